/**
 * Turns what a driver throws when a service is down or not set up into a sentence that
 * names the service, where DIF looked for it, and the command that fixes it; `dif` then
 * exits 3 (cli/shared/exit-codes.ts). Anything else passes through unchanged.
 */
import { downServiceOf, ServiceDownError, ServiceNotReadyError, serviceAddresses } from '../../adapters/health';
import type { Settings } from '../../adapters/settings';

const MIGRATE = 'dif db migrate';

export function explainServiceError(error: unknown, settings: Settings): unknown {
  if (error instanceof ServiceDownError || error instanceof ServiceNotReadyError) return error;
  const down = downServiceOf(error, settings);
  if (down) return new ServiceDownError([down.service]);
  const e = error as { code?: unknown; sqlMessage?: unknown; severity?: unknown } | null | undefined;
  const where = (name: 'mysql' | 'postgres') => serviceAddresses(settings).find((s) => s.name === name)?.address;
  // mysql2: the URL names a database the server does not have.
  if (e?.code === 'ER_BAD_DB_ERROR') {
    return new ServiceNotReadyError(`MySQL database "${databaseName(settings.mysqlUrl)}" does not exist at ${where('mysql')} (DIF_MYSQL_URL); create it with: ${MIGRATE}`);
  }
  // mysql2: the database is there but DIF's tables are not (never migrated, or migrated by an older dif).
  if (e?.code === 'ER_NO_SUCH_TABLE') {
    return new ServiceNotReadyError(
      `MySQL database "${databaseName(settings.mysqlUrl)}" at ${where('mysql')} is not migrated (${String(e.sqlMessage)}); run: ${MIGRATE}`,
    );
  }
  // pg: invalid_catalog_name, the warehouse database is missing.
  if (e?.code === '3D000' && typeof e.severity === 'string') {
    return new ServiceNotReadyError(`warehouse database "${databaseName(settings.postgresUrl)}" does not exist at ${where('postgres')} (DIF_POSTGRES_URL); create it with: ${MIGRATE}`);
  }
  return error;
}

/** The database a URL names; never the URL itself, which may hold a password. */
function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || '(none)';
  } catch {
    return '(unreadable URL)';
  }
}
