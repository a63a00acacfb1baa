import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { TableConfig } from '../../interpreter/config-schema';
import { copyIntoStagingSql, createTableSql, ident, mergeSql, sqlType, stagingTableSql } from './table-plan';

export interface LoadResult {
  rowsStaged: number;
  rowsInserted: number;
  rowsReplaced: number;
}

/**
 * Loads CSV into Postgres (the local stand-in for Redshift): COPY FROM STDIN into a staging
 * table, then the deduplicating merge, all in one transaction: a failure anywhere leaves
 * the target as it was. The table is locked for the merge so concurrent loads of one table
 * queue instead of deadlocking.
 */
export class PostgresLoader {
  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
  ) {}

  /** Creates the schema and table when missing, adds new config columns, refuses type changes. */
  async ensureTable(table: TableConfig): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`);
      await client.query(createTableSql(this.schema, table));
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [this.schema, table.name],
      );
      const existing = new Map(rows.map((r) => [r.column_name, r.data_type]));
      for (const column of table.columns) {
        const have = existing.get(column.name);
        const want = sqlType(column.type);
        if (have === undefined) {
          await client.query(`ALTER TABLE ${ident(this.schema)}.${ident(table.name)} ADD COLUMN IF NOT EXISTS ${ident(column.name)} ${want}`);
        } else if (have !== want) {
          throw new Error(
            `table ${this.schema}.${table.name} column ${column.name} is ${have} but the config says ${column.type} (${want}); ` +
              'change the table by hand or rename the column: nothing was loaded',
          );
        }
      }
    } catch (e) {
      // Two loads creating one table at once: the loser sees a duplicate-type error; the table exists now.
      if ((e as { code?: string }).code !== '23505') throw e;
    } finally {
      client.release();
    }
  }

  /** `hooks.inTransaction` runs inside the load's transaction after the table lock: the fencing check. */
  async load(table: TableConfig, csv: Readable, hooks: { inTransaction?: (client: pg.PoolClient) => Promise<void> } = {}): Promise<LoadResult> {
    await this.ensureTable(table);
    const client = await this.pool.connect();
    const staging = `dif_stage_${table.name}`;
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${ident(this.schema)}.${ident(table.name)} IN SHARE ROW EXCLUSIVE MODE`);
      await hooks.inTransaction?.(client);
      await client.query(stagingTableSql(this.schema, table, staging));
      const copy = client.query(copyFrom(copyIntoStagingSql(this.schema, table, staging)));
      await pipeline(csv, copy);
      const merge = mergeSql(this.schema, table, staging);
      const deleted = await client.query(merge.delete);
      const inserted = await client.query(merge.insert);
      await client.query('COMMIT');
      return { rowsStaged: Number(copy.rowCount), rowsInserted: inserted.rowCount ?? 0, rowsReplaced: deleted.rowCount ?? 0 };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`load into ${this.schema}.${table.name} failed, nothing was changed: ${(e as Error).message}`);
    } finally {
      client.release();
    }
  }
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
