import mysql from 'mysql2/promise';

/** A pool for DIF's MySQL database; the URL names the database (mysql://user@host:port/db). */
export function createMysqlPool(url: string): mysql.Pool {
  return mysql.createPool({ uri: url, connectionLimit: 5, supportBigNumbers: true, dateStrings: true });
}

export function databaseOf(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`MySQL URL must name a database, got "${name || '(none)'}"`);
  return name;
}
