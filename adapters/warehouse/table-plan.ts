/**
 * Pure SQL for loading one stream's CSV into its warehouse table, in two dialects from one
 * plan: Postgres (COPY FROM STDIN, the local stand-in) and Redshift (COPY from the S3
 * manifest with an IAM role). The plan is the same for both: lock the target, stage the
 * CSV in a temporary table, delete the target rows whose key is staged, insert the staged
 * rows keeping the latest extraction of each key, record the load in the audit table, all
 * in one transaction. Only the statements that differ are chosen by dialect. Tested as text.
 */
import type { ColumnTypeName, TableConfig } from '../../core/config-schema';
import { METADATA_COLUMNS, csvColumnsOf } from '../../core/csv-layout';
import { DELETED_COLUMN } from '../../core/load-modes';
import type { LoadAudit } from './warehouse';

export type Dialect = 'postgres' | 'redshift';

export { METADATA_COLUMNS };

export const AUDIT_TABLE = 'dif_load_audit';

const SQL_TYPES: Record<Dialect, Record<ColumnTypeName, string>> = {
  postgres: {
    string: 'text',
    integer: 'bigint',
    decimal: 'numeric',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamp with time zone',
    json: 'jsonb',
  },
  // Redshift has no unbounded text or numeric: the widest VARCHAR, and 38 digits with 10 decimals
  // (micros and percentages fit with room to spare).
  redshift: {
    string: 'varchar(65535)',
    integer: 'bigint',
    decimal: 'decimal(38,10)',
    boolean: 'boolean',
    date: 'date',
    timestamp: 'timestamptz',
    // COPY … CSV parses a SUPER column's cell as serialized JSON (Developer Guide, "Using COPY to load data into
    // SUPER columns", from text and CSV); one value holds up to 16 MB ("SUPER type"). No COPY option is needed.
    json: 'super',
  },
};

export const sqlType = (t: ColumnTypeName, dialect: Dialect = 'postgres'): string => SQL_TYPES[dialect][t];

/** Redshift's widest varchar, in bytes. */
export const MAX_VARCHAR = 65535;

/**
 * A Redshift varchar length for values of up to `bytes` UTF-8 bytes: the next power of two,
 * at least 256 (room for longer values later without a change), capped at the widest.
 */
export function varcharLength(bytes: number): number {
  return Math.min(MAX_VARCHAR, Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes)))));
}

/** A column's type; a Redshift string sized from the longest value seen when `widths` are known. */
export function columnType(column: { name: string; type: ColumnTypeName }, dialect: Dialect, widths?: Record<string, number>): string {
  if (dialect === 'redshift' && column.type === 'string' && widths) return `varchar(${varcharLength(widths[column.name] ?? 0)})`;
  return sqlType(column.type, dialect);
}

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;

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
    csvColumns: csvColumnsOf(table),
    key: ['_dif_customer', ...table.primaryKey],
  };
}

export function createTableSql(schema: string, table: TableConfig, dialect: Dialect = 'postgres', widths?: Record<string, number>): string {
  const plan = tablePlan(schema, table);
  const columns = [
    ...table.columns.map((c) => `${ident(c.name)} ${columnType(c, dialect, widths)}${table.primaryKey.includes(c.name) ? ' NOT NULL' : ''}`),
    ...METADATA_COLUMNS.map((c) => `${ident(c.name)} ${sqlType(c.type, dialect)} NOT NULL`),
    `"_dif_loaded_at" ${sqlType('timestamp', dialect)} NOT NULL DEFAULT ${dialect === 'redshift' ? 'getdate()' : 'now()'}`,
    ...(deletedMark(table) ? [`${ident(DELETED_COLUMN)} ${DELETED_COLUMN_TYPE}`] : []),
  ];
  // Redshift does not enforce the primary key (the merge dedups); it informs the planner.
  return `CREATE TABLE IF NOT EXISTS ${plan.qualified} (\n  ${columns.join(',\n  ')},\n  PRIMARY KEY (${plan.key.map(ident).join(', ')})\n)`;
}

/**
 * Adds a column to an existing table (a new config column, or a discovered field under
 * `evolve`). Postgres skips one already there; Redshift has no IF NOT EXISTS and adds one
 * column per statement, so the caller adds only the columns it found missing.
 */
export function addColumnSql(schema: string, table: string, column: { name: string; type: ColumnTypeName }, dialect: Dialect = 'postgres'): string {
  return `ALTER TABLE ${ident(schema)}.${ident(table)} ADD COLUMN ${dialect === 'postgres' ? 'IF NOT EXISTS ' : ''}${ident(column.name)} ${sqlType(column.type, dialect)}`;
}

export function createAuditTableSql(schema: string, dialect: Dialect = 'postgres'): string {
  const text = sqlType('string', dialect);
  return (
    `CREATE TABLE IF NOT EXISTS ${ident(schema)}.${ident(AUDIT_TABLE)} (\n` +
    `  run_id ${text} NOT NULL, table_name ${text} NOT NULL, vendor ${text}, customer ${text}, stream ${text},\n` +
    `  window_from date, window_to date, files integer, rows_staged bigint, rows_inserted bigint, rows_replaced bigint,\n` +
    `  rows_rejected bigint, duration_ms bigint, loaded_at ${sqlType('timestamp', dialect)} NOT NULL DEFAULT ${dialect === 'redshift' ? 'getdate()' : 'now()'},\n` +
    `  PRIMARY KEY (run_id, table_name)\n)`
  );
}

/** `_dif_deleted`'s type: every row marked, those loaded before the mark existed as not deleted. */
export const DELETED_COLUMN_TYPE = 'boolean NOT NULL DEFAULT false';

/**
 * The soft-delete mark of a staged row, from the table's `load.softDelete` column (core/load-modes.ts):
 * a boolean says it, a date or timestamp is set when deleted. Undefined without `softDelete`.
 */
export function deletedMark(table: TableConfig): string | undefined {
  const column = table.columns.find((c) => c.name === table.load?.softDelete);
  if (!column) return undefined;
  return column.type === 'boolean' ? `COALESCE(${ident(column.name)}, false)` : `(${ident(column.name)} IS NOT NULL)`;
}

/** Marks the rows already in a table when `_dif_deleted` was just added to it. */
export function markExistingSql(schema: string, table: TableConfig): string | undefined {
  const mark = deletedMark(table);
  return mark && `UPDATE ${ident(schema)}.${ident(table.name)} SET ${ident(DELETED_COLUMN)} = ${mark}`;
}

/** Where the staged rows come from. */
export type CopySource =
  | { kind: 'stdin' }
  | { kind: 'manifest'; manifestUrl: string; iamRole: string; region?: string };

export interface LoadStatement {
  step: 'begin' | 'lock' | 'stage' | 'copy' | 'delete' | 'insert' | 'audit' | 'commit';
  sql: string;
  /** The table the statement stages, writes or audits, when not the stream's own (a child table). */
  table?: string;
  /** A delete's rows: replaced by staged rows of the same key, or removed (a `replaceWindow` window row not restaged). */
  counts?: 'replaced' | 'removed';
}

/** What the audit row records; `$1…$12` in the audit statements, in this order. */
export const AUDIT_PARAMS = [
  'run_id', 'table_name', 'vendor', 'customer', 'stream', 'window_from', 'window_to',
  'files', 'rows_staged', 'rows_inserted', 'rows_replaced', 'rows_rejected', 'duration_ms',
] as const;

/** An audit row's values, in AUDIT_PARAMS order. */
export function auditRow(audit: LoadAudit, table: string, counts: AuditCounts): (string | number)[] {
  return [
    audit.runId, table, audit.vendor, audit.customer, audit.stream, audit.window.from, audit.window.to,
    counts.files, counts.staged, counts.inserted, counts.replaced, audit.rowsRejected, counts.durationMs,
  ];
}

/** The parameters of an `audit` statement: the row's delete (a retried load rewrites its row) takes only run and table. */
export function auditValues(sql: string, audit: LoadAudit, table: string, counts: AuditCounts): (string | number)[] {
  const values = auditRow(audit, table, counts);
  return sql.startsWith('DELETE') ? values.slice(0, 2) : values;
}

interface AuditCounts {
  files: number;
  staged: number;
  inserted: number;
  replaced: number;
  durationMs: number;
}

/** Whose rows a load writes: what `replaceWindow` deletes before inserting. */
export interface LoadScope {
  customer: string;
  window: { from: string; to: string };
  /** The run's partition, for a partitioned stream: only its rows are replaced. */
  partition?: string;
}

/**
 * The whole load, statement by statement. With `stdin` the executor streams each CSV part
 * into the `copy` statement; with a manifest Redshift reads the parts from S3 itself. The
 * table's load mode (core/load-modes.ts) chooses the statements between copy and audit.
 */
export function loadPlan(dialect: Dialect, schema: string, table: TableConfig, source: CopySource, scope?: LoadScope): LoadStatement[] {
  const plan = tablePlan(schema, table);
  const staging = ident(`dif_stage_${table.name}`);
  const cols = plan.csvColumns.map(ident).join(', ');
  const keyCols = plan.key.map(ident).join(', ');
  const on = plan.key.map((k) => `${plan.qualified}.${ident(k)} = s.${ident(k)}`).join(' AND ');
  // Every staged row is the run's customer's (the CSV's `_dif_customer` is the run's,
  // runtime/row-mapper.ts): naming it lets the key delete read only that customer's rows of
  // the target, through the key's leading column, instead of hashing the whole table (other
  // customers' rows included) to find the staged keys. Its rows deleted are the same.
  const ownRows = scope ? `${plan.qualified}.${ident('_dif_customer')} = ${literal(scope.customer)} AND ` : '';
  const audit = `${ident(schema)}.${ident(AUDIT_TABLE)}`;
  const mode = table.load?.mode ?? 'merge';
  const latest = `SELECT *, row_number() OVER (PARTITION BY ${keyCols} ORDER BY ${copyOrder(dialect, table)}) AS _dif_rank FROM ${staging}`;
  // With `softDelete`, each row written carries its mark.
  const mark = deletedMark(table);
  const into = mark ? `${cols}, ${ident(DELETED_COLUMN)}` : cols;
  const values = mark ? `${cols}, ${mark}` : cols;
  const write: LoadStatement[] =
    mode === 'append'
      ? [
          // Insert only: a key already in the table keeps its row, so a re-run duplicates nothing and updates nothing.
          {
            step: 'insert',
            sql:
              `INSERT INTO ${plan.qualified} (${into}) SELECT ${values} FROM (${latest}) s WHERE _dif_rank = 1 ` +
              `AND NOT EXISTS (SELECT 1 FROM ${plan.qualified} WHERE ${on})`,
          },
        ]
      : [
          // The key delete first: what it removes are the rows this load replaces (an update of
          // their key); the window delete after it removes only rows the vendor stopped reporting.
          // No alias on the target: Redshift's DELETE … USING does not take one.
          { step: 'delete', counts: 'replaced', sql: `DELETE FROM ${plan.qualified} USING ${staging} s WHERE ${ownRows}${on}` },
          ...(mode === 'replaceWindow' ? [{ step: 'delete' as const, counts: 'removed' as const, sql: windowDelete(plan.qualified, table, scope) }] : []),
          { step: 'insert', sql: `INSERT INTO ${plan.qualified} (${into}) SELECT ${values} FROM (${latest}) ranked WHERE _dif_rank = 1` },
        ];
  return [
    { step: 'begin', sql: 'BEGIN' },
    // Taken first, so concurrent loads of one table queue here instead of failing (Redshift
    // error 1023) or deadlocking: the lock conflicts with itself.
    { step: 'lock', sql: lockSql(dialect, plan.qualified) },
    // Redshift keeps a temporary table until the session ends, and a pooled session loads
    // again: the last load's staging table goes first. INCLUDING DEFAULTS: `_dif_loaded_at` is
    // NOT NULL and the COPY leaves it to its default.
    ...(dialect === 'redshift'
      ? [
          { step: 'stage' as const, sql: `DROP TABLE IF EXISTS ${staging}` },
          { step: 'stage' as const, sql: `CREATE TEMP TABLE ${staging} (LIKE ${plan.qualified} INCLUDING DEFAULTS)` },
        ]
      : [{ step: 'stage' as const, sql: `CREATE TEMP TABLE ${staging} ON COMMIT DROP AS SELECT ${cols} FROM ${plan.qualified} WITH NO DATA` }]),
    {
      step: 'copy',
      sql:
        source.kind === 'stdin'
          ? `COPY ${staging} (${cols}) FROM STDIN WITH (FORMAT csv, HEADER true)`
          : `COPY ${staging} (${cols}) FROM ${literal(source.manifestUrl)} IAM_ROLE ${literal(source.iamRole)}` +
            `${source.region ? ` REGION ${literal(source.region)}` : ''} MANIFEST FORMAT AS CSV GZIP IGNOREHEADER 1` +
            ` EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF`,
    },
    ...write,
    // Delete + insert rather than ON CONFLICT, which Redshift lacks: a retried load rewrites its row.
    { step: 'audit', sql: `DELETE FROM ${audit} WHERE run_id = $1 AND table_name = $2` },
    {
      step: 'audit',
      sql: `INSERT INTO ${audit} (${AUDIT_PARAMS.join(', ')}) VALUES (${AUDIT_PARAMS.map((_, i) => `$${i + 1}`).join(', ')})`,
    },
    { step: 'commit', sql: 'COMMIT' },
  ];
}

/** The table lock a load takes first; it conflicts with itself, so loads of one table queue. */
export function lockSql(dialect: Dialect, qualified: string): string {
  return dialect === 'redshift' ? `LOCK ${qualified}` : `LOCK TABLE ${qualified} IN SHARE ROW EXCLUSIVE MODE`;
}

/**
 * Which of several staged copies of one key wins (rank 1): the greatest `load.dedupBy`, then the
 * latest extraction, then on Postgres the last copy in the data: a fresh staging table filled by
 * COPY keeps the file's order in its physical row ids (ctid). Redshift loads in parallel and has
 * no such order, so there only `dedupBy` decides between copies of one run.
 */
export function copyOrder(dialect: Dialect, table: TableConfig): string {
  const dedupBy = table.load?.dedupBy;
  return [
    ...(dedupBy ? [`${ident(dedupBy)} DESC NULLS LAST`] : []),
    '"_dif_extracted_at" DESC',
    ...(dialect === 'postgres' ? ['ctid DESC'] : []),
  ].join(', ');
}

/**
 * `replaceWindow`'s first delete: every row of the customer (and partition) whose window
 * column falls in the run's window, from 00:00 UTC of its first day to before 00:00 of the
 * day after its last. The key delete that follows still removes a staged key found outside
 * the window, so keys stay unique.
 */
function windowDelete(qualified: string, table: TableConfig, scope: LoadScope | undefined): string {
  return `DELETE FROM ${qualified} WHERE ${windowConditions(table, scope).join(' AND ')}`;
}

/** The conditions placing a row of `table` in the run's window (see windowDelete), its columns prefixed by `alias.` when given. */
export function windowConditions(table: TableConfig, scope: LoadScope | undefined, alias?: string): string[] {
  const col = (name: string) => (alias ? `${alias}.${ident(name)}` : ident(name));
  const column = table.columns.find((c) => c.name === table.load?.windowColumn);
  if (!scope || !column) throw new Error(`table ${table.name}: mode replaceWindow needs the run's customer and window, and its windowColumn`);
  const dayAfter = new Date(Date.parse(`${scope.window.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const bound = (day: string) => literal(column.type === 'date' ? day : `${day} 00:00:00+00`);
  const partition = table.columns.find((c) => c.metadata === 'partition');
  if (partition && scope.partition === undefined) throw new Error(`table ${table.name}: a partitioned table's window is replaced one partition at a time`);
  return [
    `${col('_dif_customer')} = ${literal(scope.customer)}`,
    ...(partition ? [`${col(partition.name)} = ${literal(scope.partition!)}`] : []),
    `${col(column.name)} >= ${bound(scope.window.from)}`,
    `${col(column.name)} < ${bound(dayAfter)}`,
  ];
}
