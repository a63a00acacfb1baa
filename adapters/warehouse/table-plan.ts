/**
 * Pure SQL for loading one stream's CSV into its warehouse table: the table's shape, the
 * staging table, and the deduplicating merge. Shared by the Postgres loader and, later, the
 * Redshift dialect; tested as text.
 */
import type { ColumnTypeName, TableConfig } from '../../interpreter/config-schema';

/** Columns DIF adds to every table: who the row belongs to and which run wrote it. */
export const METADATA_COLUMNS = [
  { name: '_dif_customer', sqlType: 'text' },
  { name: '_dif_run_id', sqlType: 'text' },
  { name: '_dif_extracted_at', sqlType: 'timestamptz' },
] as const;

const SQL_TYPES: Record<ColumnTypeName, string> = {
  string: 'text',
  integer: 'bigint',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp with time zone',
};

export const sqlType = (t: ColumnTypeName): string => SQL_TYPES[t];

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export interface TablePlan {
  qualified: string;
  /** Every column in CSV order: the config's, then the metadata columns. */
  csvColumns: string[];
  /** The merge key: the customer, then the stream's primary key. */
  key: string[];
}

export function tablePlan(schema: string, table: TableConfig): TablePlan {
  return {
    qualified: `${ident(schema)}.${ident(table.name)}`,
    csvColumns: [...table.columns.map((c) => c.name), ...METADATA_COLUMNS.map((c) => c.name)],
    key: ['_dif_customer', ...table.primaryKey],
  };
}

export function createTableSql(schema: string, table: TableConfig): string {
  const plan = tablePlan(schema, table);
  const columns = [
    ...table.columns.map((c) => `${ident(c.name)} ${sqlType(c.type)}${table.primaryKey.includes(c.name) ? ' NOT NULL' : ''}`),
    ...METADATA_COLUMNS.map((c) => `${ident(c.name)} ${c.sqlType} NOT NULL`),
    `"_dif_loaded_at" timestamp with time zone NOT NULL DEFAULT now()`,
  ];
  return `CREATE TABLE IF NOT EXISTS ${plan.qualified} (\n  ${columns.join(',\n  ')},\n  PRIMARY KEY (${plan.key.map(ident).join(', ')})\n)`;
}

export function stagingTableSql(schema: string, table: TableConfig, staging: string): string {
  const plan = tablePlan(schema, table);
  const cols = plan.csvColumns.map(ident).join(', ');
  return `CREATE TEMP TABLE ${ident(staging)} ON COMMIT DROP AS SELECT ${cols} FROM ${plan.qualified} WITH NO DATA`;
}

export function copyIntoStagingSql(schema: string, table: TableConfig, staging: string): string {
  const cols = tablePlan(schema, table).csvColumns.map(ident).join(', ');
  return `COPY ${ident(staging)} (${cols}) FROM STDIN WITH (FORMAT csv, HEADER true)`;
}

/**
 * Replaces target rows that share a key with a staged row, then inserts the staged rows,
 * keeping only the latest extracted copy of each key. Both in the caller's transaction.
 */
export function mergeSql(schema: string, table: TableConfig, staging: string): { delete: string; insert: string } {
  const plan = tablePlan(schema, table);
  const on = plan.key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const cols = plan.csvColumns.map(ident).join(', ');
  return {
    delete: `DELETE FROM ${plan.qualified} t USING ${ident(staging)} s WHERE ${on}`,
    insert:
      `INSERT INTO ${plan.qualified} (${cols}) SELECT ${cols} FROM (` +
      `SELECT *, row_number() OVER (PARTITION BY ${plan.key.map(ident).join(', ')} ORDER BY "_dif_extracted_at" DESC) AS _dif_rank ` +
      `FROM ${ident(staging)}) ranked WHERE _dif_rank = 1`,
  };
}
