/**
 * Builds the adapters from settings and binds them into activities. Shared by the worker
 * process, the CLI (for credentials and customers) and the tests, so each wires DIF the
 * same way.
 */
import Redis from 'ioredis';
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import { createActivities, type ActivityDeps } from '../activities';
import { retryableFailure } from '../activities/failures';
import { createObjectStore } from '../adapters/object-store';
import { S3ObjectStore } from '../adapters/object-store/s3-object-store';
import { createKeyManager, type KeyManager } from '../adapters/kms';
import { createMysqlPool } from '../adapters/mysql/pool';
import { CustomerRepository } from '../adapters/mysql/customers';
import { CredentialStore } from '../adapters/mysql/credentials';
import { FileManifest } from '../adapters/mysql/file-manifest';
import { StreamStateStore } from '../adapters/mysql/stream-state';
import { RedisSemaphores } from '../adapters/locks/semaphores';
import { createWarehouse } from '../adapters/warehouse/registry';
import { VendorConfigs } from '../adapters/vendor-configs';
import { explainConnectionError } from '../adapters/health';
import type { Settings } from '../adapters/settings';
import { measuredStore } from '../runtime/metrics/measured-store';

export interface Runtime {
  settings: Settings;
  deps: ActivityDeps;
  kms: KeyManager;
  mysql: mysql.Pool;
  redis: Redis;
  /** The warehouse's connection pool (Postgres or Redshift: both speak the Postgres protocol). */
  postgres: pg.Pool;
  close(): Promise<void>;
}

export function createRuntime(settings: Settings): Runtime {
  const mysqlPool = createMysqlPool(settings.mysqlUrl);
  // Fail fast while Redis is down instead of queueing commands: the activity then fails,
  // Temporal retries it, and the next attempt finds Redis back.
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported through the failing commands instead
  void redis.connect().catch(() => undefined);
  const warehouse = createWarehouse(settings);
  const kms = createKeyManager(settings.kms);
  const objectStore = createObjectStore(settings.objectStore);
  const deps: ActivityDeps = {
    vendorConfigs: new VendorConfigs(settings.vendorsDir),
    objectStore: measuredStore(objectStore),
    customers: new CustomerRepository(mysqlPool, { allowLoopbackHttp: settings.allowLoopbackHttp }),
    credentials: new CredentialStore(mysqlPool, kms),
    fileManifest: new FileManifest(mysqlPool),
    streamState: new StreamStateStore(mysqlPool),
    semaphores: new RedisSemaphores(redis),
    warehouse,
    redis,
    csvPartBytes: settings.csvPartBytes,
  };
  return {
    settings,
    deps,
    kms,
    mysql: mysqlPool,
    redis,
    postgres: warehouse.pool,
    async close() {
      await Promise.allSettled([mysqlPool.end(), warehouse.close(), redis.quit()]);
      if (objectStore instanceof S3ObjectStore) objectStore.destroy();
      const maybeDestroy = kms as { destroy?: () => void };
      maybeDestroy.destroy?.();
    },
  };
}

/** Activities with connection failures explained: which service, where, and what starts it. */
export function activitiesFor(runtime: Runtime) {
  const activities = createActivities(runtime.deps);
  const wrapped = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        const explained = explainConnectionError(e, runtime.settings);
        if (explained) throw retryableFailure('ServiceUnavailable', explained);
        throw e;
      }
    };
  }
  return wrapped as typeof activities;
}

