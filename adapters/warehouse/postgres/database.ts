import pg from 'pg';
import { ident } from '../table-plan';

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
