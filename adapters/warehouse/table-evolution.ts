/**
 * The schema evolution policy, pure: given the table's columns as the warehouse reports them
 * (information_schema) and the config, what to change. New columns are added; a type is
 * widened where every value it holds fits the new one (smallint → integer → bigint →
 * numeric, a shorter varchar to a longer one or to text); a column already wider than the
 * config asks for is left alone (it holds the narrower values); anything else is refused
 * with the table and the column named, before any change is made.
 */
import type { ColumnTypeName, TableConfig } from '../../core/config-schema';
import { TableShapeError } from '../../core/errors';
import { columnType, DELETED_COLUMN_TYPE, ident, MAX_VARCHAR, sqlType, varcharLength, type Dialect } from './table-plan';
import { DELETED_COLUMN } from '../../core/load-modes';

/** A column as information_schema.columns reports it. */
export interface ExistingColumn {
  dataType: string;
  /** character_maximum_length: the n of varchar(n), else null. */
  length: number | null;
}

export type ColumnChange =
  | { kind: 'add'; column: string; to: string }
  | { kind: 'widen'; column: string; from: string; to: string };

/** Integer and decimal types, narrowest first: each holds every value of those before it. */
const NUMBER_RANKS = ['smallint', 'integer', 'bigint', 'numeric'];
/** information_schema's data_type for the type each config type is created with (table-plan.ts sqlType). */
const REPORTED: Record<Dialect, Record<ColumnTypeName, string>> = {
  postgres: { string: 'text', integer: 'bigint', decimal: 'numeric', boolean: 'boolean', date: 'date', timestamp: 'timestamp with time zone', json: 'jsonb' },
  redshift: { string: 'character varying', integer: 'bigint', decimal: 'numeric', boolean: 'boolean', date: 'date', timestamp: 'timestamp with time zone', json: 'super' },
};

const shown = (c: ExistingColumn) => (c.length !== null ? `${c.dataType}(${c.length})` : c.dataType);

/** `widths`: the longest value of each column in the load at hand (UTF-8 bytes), when known: Redshift varchars are widened to hold them. */
export function evolutionPlan(
  dialect: Dialect,
  schema: string,
  table: Pick<TableConfig, 'name' | 'columns' | 'load'>,
  existing: Map<string, ExistingColumn>,
  widths?: Record<string, number>,
): ColumnChange[] {
  const changes: ColumnChange[] = [];
  const refused: string[] = [];
  for (const column of table.columns) {
    const have = existing.get(column.name);
    const want = sqlType(column.type, dialect);
    if (!have) {
      changes.push({ kind: 'add', column: column.name, to: columnType(column, dialect, widths) });
      continue;
    }
    const reported = REPORTED[dialect][column.type];
    const haveRank = NUMBER_RANKS.indexOf(have.dataType);
    const wantRank = NUMBER_RANKS.indexOf(reported);
    if (haveRank >= 0 && wantRank >= 0) {
      if (haveRank < wantRank) changes.push({ kind: 'widen', column: column.name, from: shown(have), to: want });
      continue;
    }
    if (column.type === 'string' && (have.dataType === 'character varying' || have.dataType === 'text')) {
      if (have.dataType === 'text') continue;
      if (dialect === 'postgres') {
        changes.push({ kind: 'widen', column: column.name, from: shown(have), to: want });
        continue;
      }
      // Redshift: as long as this load's longest value needs (the widest when unknown), never narrower.
      const needed = widths ? varcharLength(widths[column.name] ?? 0) : MAX_VARCHAR;
      if ((have.length ?? MAX_VARCHAR) < needed) changes.push({ kind: 'widen', column: column.name, from: shown(have), to: `varchar(${needed})` });
      continue;
    }
    if (have.dataType !== reported) {
      refused.push(`column ${column.name} is ${shown(have)} but the config says ${column.type} (${want}), which is not a widening`);
    }
  }
  // A table that started marking soft deletes (load.softDelete) gets DIF's marker column.
  if (table.columns.some((c) => c.name === table.load?.softDelete) && !existing.has(DELETED_COLUMN)) changes.push({ kind: 'add', column: DELETED_COLUMN, to: DELETED_COLUMN_TYPE });
  if (refused.length) {
    throw new TableShapeError(
      `table ${schema}.${table.name}: ${refused.join('; ')}; change the table by hand or rename the column: nothing was changed or loaded`,
    );
  }
  return changes;
}

/** The statement making one change. Redshift alters only varchar lengths in place; a number widening there is refused. */
export function changeSql(dialect: Dialect, schema: string, tableName: string, change: ColumnChange): string {
  const qualified = `${ident(schema)}.${ident(tableName)}`;
  if (change.kind === 'add') return `ALTER TABLE ${qualified} ADD COLUMN ${dialect === 'postgres' ? 'IF NOT EXISTS ' : ''}${ident(change.column)} ${change.to}`;
  if (dialect === 'redshift' && !change.to.startsWith('varchar')) {
    throw new TableShapeError(
      `table ${schema}.${tableName}: column ${change.column} would widen from ${change.from} to ${change.to}, which Redshift cannot do in place ` +
        '(ALTER COLUMN changes only varchar lengths); add a new column and copy the values by hand: nothing was changed or loaded',
    );
  }
  return `ALTER TABLE ${qualified} ALTER COLUMN ${ident(change.column)} TYPE ${change.to}`;
}

export const SCHEMA_HISTORY_TABLE = 'dif_schema_history';

export function createSchemaHistorySql(schema: string, dialect: Dialect): string {
  const text = sqlType('string', dialect);
  return (
    `CREATE TABLE IF NOT EXISTS ${ident(schema)}.${ident(SCHEMA_HISTORY_TABLE)} (table_name ${text} NOT NULL, column_name ${text} NOT NULL, ` +
    `change ${text} NOT NULL, from_type ${text}, to_type ${text} NOT NULL, changed_at ${sqlType('timestamp', dialect)} NOT NULL DEFAULT ${dialect === 'redshift' ? 'getdate()' : 'now()'})`
  );
}

export function recordChangeSql(schema: string): string {
  return `INSERT INTO ${ident(schema)}.${ident(SCHEMA_HISTORY_TABLE)} (table_name, column_name, change, from_type, to_type) VALUES ($1, $2, $3, $4, $5)`;
}
