import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TableConfig } from '../../core/config-schema';
import { addColumnSql, createAuditTableSql, createTableSql, ident, sqlType } from './table-plan';
import { familyLoadPlan } from './child-tables-plan';
import { childTables } from '../../core/child-tables';
import { TableShapeError } from '../../core/errors';

export interface LoadResult {
  rowsStaged: number;
  rowsInserted: number;
  rowsReplaced: number;
  /** Per child table (core/child-tables.ts), when the table has children. */
  children?: Record<string, { rowsStaged: number; rowsInserted: number; rowsReplaced: number }>;
}

/** One CSV part to stage: opened only when its turn comes, so one part is read at a time. */
export interface CsvPart {
  open(): Promise<Readable>;
  gzip: boolean;
}

/** What the audit table records about a load besides the counts. */
export interface LoadAudit {
  runId: string;
  vendor: string;
  customer: string;
  stream: string;
  window: { from: string; to: string };
  rowsRejected: number;
  /** The run's partition, for a partitioned stream: `replaceWindow` replaces only its rows. */
  partition?: string;
}

/** Test seam: runs between staging and merge, to prove a crash there changes nothing. */
export type AfterStageHook = (client: pg.PoolClient) => Promise<void>;

/**
 * Loads CSV into Postgres (the local stand-in for Redshift) by the plan in table-plan.ts:
 * COPY FROM STDIN into a staging table, then the deduplicating merge and the audit row,
 * all in one transaction: a failure or a crash anywhere leaves the target as it was, and a
 * re-run gives the same table. The table is locked first, so concurrent loads queue.
 */
export class PostgresLoader {
  afterStage?: AfterStageHook;

  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  /** The table's column names, or undefined when there is no such table yet. */
  async columnsOf(tableName: string): Promise<Set<string> | undefined> {
    const { rows } = await this.pool.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.schema, tableName],
    );
    return rows.length ? new Set(rows.map((r) => r.column_name)) : undefined;
  }

  /** Creates the schema, table and audit table when missing, adds new config columns, refuses type changes. */
  async ensureTable(table: TableConfig): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`).catch(ignoreRace);
      await client.query(createAuditTableSql(this.schema)).catch(ignoreRace);
      await client.query(createTableSql(this.schema, table)).catch(ignoreRace);
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [this.schema, table.name],
      );
      const existing = new Map(rows.map((r) => [r.column_name, r.data_type]));
      // Every type is checked before any column is added: a bad config changes nothing.
      for (const column of table.columns) {
        const have = existing.get(column.name);
        const want = sqlType(column.type);
        if (have !== undefined && have !== want) {
          throw new TableShapeError(
            `table ${this.schema}.${table.name} column ${column.name} is ${have} but the config says ${column.type} (${want}); ` +
              'change the table by hand or rename the column: nothing was loaded',
          );
        }
      }
      for (const column of table.columns) {
        if (!existing.has(column.name)) {
          await client.query(addColumnSql(this.schema, table.name, column));
        }
      }
    } finally {
      client.release();
    }
  }

  /**
   * `hooks.inTransaction` runs inside the load's transaction right after the table lock:
   * the fencing-token check that refuses a stale lock holder (activities/table-lock.ts).
   */
  async load(
    table: TableConfig,
    parts: CsvPart[],
    audit?: LoadAudit,
    hooks: { inTransaction?: (client: pg.PoolClient) => Promise<void> } = {},
    /** The CSV parts of each child table, by its name: all loaded in the parent's transaction. */
    childParts: Record<string, CsvPart[]> = {},
  ): Promise<LoadResult> {
    const started = Date.now();
    const children = childTables(table);
    const missing = children.filter((c) => !Object.hasOwn(childParts, c.name)).map((c) => c.name);
    if (missing.length) throw new Error(`load into ${this.schema}.${table.name}: no CSV for its child table(s) ${missing.join(', ')}; nothing was loaded`);
    await this.ensureTable(table);
    for (const child of children) await this.ensureTable(child);
    const client = await this.pool.connect();
    // A connection that dies mid-load (server restart, a killed backend) emits 'error' on
    // the client; without a listener that would crash the worker instead of failing the load.
    let broken: Error | undefined;
    const onError = (e: Error) => (broken = e);
    client.on('error', onError);
    const counts = new Map<string, { staged: number; deleted: number; inserted: number; files: number }>();
    const countsOf = (name: string) => {
      if (!counts.has(name)) counts.set(name, { staged: 0, deleted: 0, inserted: 0, files: name === table.name ? parts.length : childParts[name].length });
      return counts.get(name)!;
    };
    let locked = false;
    try {
      const plan = familyLoadPlan('postgres', this.schema, table, children, () => ({ kind: 'stdin' }), audit);
      for (let i = 0; i < plan.length; i++) {
        const { step, sql } = plan[i];
        const name = plan[i].table ?? table.name;
        const count = countsOf(name);
        if (step === 'copy') {
          for (const part of name === table.name ? parts : childParts[name]) {
            const copy = client.query(copyFrom(sql));
            const source = await part.open();
            await (part.gzip ? pipeline(source, createGunzip(), copy) : pipeline(source, copy));
            count.staged += Number(copy.rowCount);
          }
          // Once every table is staged (the test seam for a crash before any write).
          if (plan[i + 1]?.step !== 'copy' && plan[i + 1]?.step !== 'stage' && this.afterStage) await this.afterStage(client);
        } else if (step === 'audit') {
          if (!audit) continue;
          const values = [
            audit.runId, name, audit.vendor, audit.customer, audit.stream, audit.window.from, audit.window.to,
            count.files, count.staged, count.inserted, count.deleted, audit.rowsRejected, Date.now() - started,
          ];
          await client.query(sql, sql.startsWith('DELETE') ? values.slice(0, 2) : values);
        } else {
          const result = await client.query(sql);
          // The fencing check right after the first lock (the parent's), before anything is read or written.
          if (step === 'lock' && !locked) {
            locked = true;
            await hooks.inTransaction?.(client);
          }
          if (step === 'delete') count.deleted += result.rowCount ?? 0;
          if (step === 'insert') count.inserted = result.rowCount ?? 0;
        }
      }
      const own = countsOf(table.name);
      const result: LoadResult = { rowsStaged: own.staged, rowsInserted: own.inserted, rowsReplaced: own.deleted };
      if (children.length) {
        result.children = Object.fromEntries(children.map((c) => {
          const n = countsOf(c.name);
          return [c.name, { rowsStaged: n.staged, rowsInserted: n.inserted, rowsReplaced: n.deleted }];
        }));
      }
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      broken ??= e as Error;
      throw new Error(`load into ${this.schema}.${table.name}${children.length ? ` and its child tables (${children.map((c) => c.name).join(', ')})` : ''} failed, nothing was changed: ${(e as Error).message}`);
    } finally {
      client.off('error', onError);
      // A client whose load failed is discarded, not pooled: its session state is unknown.
      client.release(broken);
    }
  }
}

/**
 * Two loads creating one schema or table at once: the loser sees a duplicate error, and
 * the object exists now. Which error depends on where the loser lost: the catalog's unique
 * index (23505), the schema or table (42P06, 42P07), or the table's row type (42710, "type
 * … already exists").
 */
const CREATE_RACE_CODES = new Set(['23505', '42P06', '42P07', '42710']);
function ignoreRace(e: { code?: string }): void {
  if (!CREATE_RACE_CODES.has(e.code ?? '')) throw e;
}

/** Creates the warehouse database when missing (development and tests). */
export async function ensurePostgresDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = target.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`Postgres URL must name a database, got "${database}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${ident(database)}`).catch((e) => {
      if ((e as { code?: string }).code !== '42P04') throw e; // created meanwhile by another process
    });
  } finally {
    await client.end();
  }
}
