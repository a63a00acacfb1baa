import { ident, sqlType, type Dialect } from './table-plan';
import type { SqlSession } from './warehouse';

/** A load whose table lock was taken over by a newer holder: it must change nothing. */
export class StaleLockError extends Error {
  constructor(table: string, token: number) {
    super(`table lock on ${table} with fencing token ${token} is stale: a newer holder has written; this load changes nothing`);
    this.name = 'StaleLockError';
  }
}

const ensured = new Set<string>();

/** The table of every loaded table's latest fencing token; created by ensureTable (sql-warehouse.ts) before any load. */
export function createFencingSql(schema: string, dialect: Dialect): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${ident(schema)}.dif_fencing (table_name ${sqlType('string', dialect)} NOT NULL PRIMARY KEY, token bigint NOT NULL, ` +
    `updated_at ${sqlType('timestamp', dialect)} NOT NULL DEFAULT ${dialect === 'redshift' ? 'getdate()' : 'now()'})`
  );
}

/**
 * The fencing check, run inside the load transaction before it commits: records `token` as
 * the table's latest writer unless a larger token is already there, in which case it
 * throws and the caller's transaction rolls back. An equal token passes, so one holder may
 * load twice under one lock.
 *
 * Postgres: one upsert (ON CONFLICT), whose row lock orders two holders racing on one
 * table: the later one waits for the earlier one's commit and then compares against what
 * it wrote. Redshift has neither ON CONFLICT nor row locks nor enforced keys: the fencing
 * table is locked (held to the commit, so loads' last steps queue there), read, then the
 * row updated or inserted. That dialect runs on Postgres too, and the suite runs it there.
 */
export async function checkFence(session: SqlSession, schema: string, table: string, token: number, dialect: Dialect = 'postgres'): Promise<void> {
  const fencing = `${ident(schema)}.dif_fencing`;
  if (dialect === 'redshift') {
    await session.query(`LOCK ${fencing}`);
    const { rows } = await session.query(`SELECT token FROM ${fencing} WHERE table_name = $1`, [table]);
    const held = rows.length ? Number((rows[0] as { token: string | number }).token) : undefined;
    if (held !== undefined && held > token) throw new StaleLockError(table, token);
    // The time as a parameter: Redshift's and Postgres's functions for it differ.
    await session.query(
      held === undefined
        ? `INSERT INTO ${fencing} (table_name, token, updated_at) VALUES ($1, $2, $3)`
        : `UPDATE ${fencing} SET token = $2, updated_at = $3 WHERE table_name = $1`,
      [table, token, new Date()],
    );
    return;
  }
  if (!ensured.has(schema)) {
    // For a check before any ensureTable (a schema loaded by an older DIF). In a savepoint:
    // a concurrent first creation makes ours fail, and the table exists then.
    await session.query('SAVEPOINT dif_fencing_ddl');
    try {
      await session.query(createFencingSql(schema, 'postgres'));
      await session.query('RELEASE SAVEPOINT dif_fencing_ddl');
    } catch {
      await session.query('ROLLBACK TO SAVEPOINT dif_fencing_ddl');
    }
    ensured.add(schema);
  }
  const { rowCount } = await session.query(
    `INSERT INTO ${fencing} AS f (table_name, token) VALUES ($1, $2)
     ON CONFLICT (table_name) DO UPDATE SET token = EXCLUDED.token, updated_at = now() WHERE f.token <= EXCLUDED.token`,
    [table, token],
  );
  if (rowCount !== 1) throw new StaleLockError(table, token);
}
