import type pg from 'pg';
import { ident } from './table-plan';

/** A load whose table lock was taken over by a newer holder: it must change nothing. */
export class StaleLockError extends Error {
  constructor(table: string, token: number) {
    super(`table lock on ${table} with fencing token ${token} is stale: a newer holder has written; this load changes nothing`);
    this.name = 'StaleLockError';
  }
}

const ensured = new Set<string>();

/**
 * The fencing check, run inside the load transaction before it commits: records `token` as
 * the table's latest writer unless a larger token is already there, in which case it
 * throws and the caller's transaction rolls back. The row lock taken by the upsert orders
 * two holders racing on one table: the later one waits for the earlier one's commit and
 * then compares against what it wrote. An equal token passes, so one holder may load
 * twice under one lock.
 *
 * Postgres SQL (ON CONFLICT). For Redshift, which has neither ON CONFLICT nor enforced
 * keys, the dialect would be `UPDATE … WHERE token <= $new` after a `LOCK dif_fencing`.
 */
export async function checkFence(client: pg.ClientBase, schema: string, table: string, token: number): Promise<void> {
  const fencing = `${ident(schema)}.dif_fencing`;
  if (!ensured.has(schema)) {
    // In a savepoint: a concurrent first creation makes ours fail, and the table exists then.
    await client.query('SAVEPOINT dif_fencing_ddl');
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${fencing} (table_name text PRIMARY KEY, token bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query('RELEASE SAVEPOINT dif_fencing_ddl');
    } catch {
      await client.query('ROLLBACK TO SAVEPOINT dif_fencing_ddl');
    }
    ensured.add(schema);
  }
  const { rowCount } = await client.query(
    `INSERT INTO ${fencing} AS f (table_name, token) VALUES ($1, $2)
     ON CONFLICT (table_name) DO UPDATE SET token = EXCLUDED.token, updated_at = now() WHERE f.token <= EXCLUDED.token`,
    [table, token],
  );
  if (rowCount !== 1) throw new StaleLockError(table, token);
}
