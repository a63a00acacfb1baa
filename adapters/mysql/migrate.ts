import fs from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { databaseOf } from './pool';

/**
 * Applies migrations/mysql/NNN_*.sql in order, once each, recording them in
 * schema_migrations. Creates the database when missing. Safe to run any number of times.
 * A hand-written runner: the files are plain SQL and the whole job is twenty lines, less
 * than any migration library's configuration.
 */
export async function migrateMysql(url: string, dir: string): Promise<string[]> {
  const database = databaseOf(url);
  const server = new URL(url);
  server.pathname = '/';
  const admin = await mysql.createConnection({ uri: server.toString() });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  const conn = await mysql.createConnection({ uri: url, multipleStatements: true });
  const applied: string[] = [];
  try {
    await conn.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(255) PRIMARY KEY, applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))`,
    );
    // One migrator at a time: a named lock, released on disconnect if we die.
    await conn.query(`SELECT GET_LOCK('dif_migrate', 60)`);
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version as string));
    const files = fs.readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      try {
        await conn.query(sql);
      } catch (e) {
        throw new Error(`migration ${path.join(dir, file)} failed: ${(e as Error).message}`);
      }
      await conn.query('INSERT INTO schema_migrations (version) VALUES (?)', [file]);
      applied.push(file);
    }
  } finally {
    await conn.end();
  }
  return applied;
}
