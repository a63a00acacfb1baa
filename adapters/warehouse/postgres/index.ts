/**
 * Postgres: the warehouse for development, tests and customers who load into Postgres.
 * Parts stream in through COPY FROM STDIN; the database is created when missing.
 */
import pg from 'pg';
import type { Settings } from '../../settings';
import type { WarehouseEndpoint, WarehouseModule } from '../warehouse';
import { SqlWarehouse } from '../sql-warehouse';
import { ensurePostgresDatabase } from './database';

export { ensurePostgresDatabase };
import { stdinStager } from './stdin-stager';

function create(settings: Settings): SqlWarehouse {
  const pool = new pg.Pool({ connectionString: settings.postgresUrl, max: 4 });
  pool.on('error', () => undefined); // idle-client errors; the next checkout reconnects
  return postgresWarehouseOn(pool, settings.warehouseSchema, endpoint(settings), () => ensurePostgresDatabase(settings.postgresUrl));
}

/** A Postgres warehouse on a pool of one's own (tests, benches). */
export function postgresWarehouseOn(pool: pg.Pool, schema: string, at?: WarehouseEndpoint, prepare?: () => Promise<void>): SqlWarehouse {
  return new SqlWarehouse({
    kind: 'postgres',
    dialect: 'postgres',
    pool,
    schema,
    stager: stdinStager,
    endpoint: at ?? { name: 'postgres', address: 'unknown', fix: 'npm run services -- up postgres' },
    ...(prepare ? { prepare } : {}),
  });
}

function endpoint(settings: Settings): WarehouseEndpoint {
  const u = new URL(settings.postgresUrl);
  return { name: 'postgres', address: `${u.hostname}:${u.port || 5432}`, fix: 'npm run services -- up postgres' };
}

export const postgres: WarehouseModule = { create, endpoint };
