/**
 * Where DIF finds its services, read once from the environment. Defaults point at the
 * loopback services that scripts/services.sh starts; docker-compose users and production
 * set the DIF_* variables (README: "Pointing DIF at other services").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Settings {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  mysqlUrl: string;
  redisUrl: string;
  postgresUrl: string;
  /** Which warehouse DIF loads into (DIF_WAREHOUSE): a name in adapters/warehouse/registry.ts, `postgres` (default) or `redshift`. */
  warehouse: string;
  /** Warehouse schema that holds the vendors' tables. */
  warehouseSchema: string;
  vendorsDir: string;
  objectStore:
    | { kind: 'local'; dir: string }
    | { kind: 's3'; bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  kms:
    | { kind: 'local'; keyringFile: string }
    | { kind: 'aws'; keyId: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string };
  /** Uncompressed CSV bytes per output part (DIF_CSV_PART_MB, default 256). */
  csvPartBytes: number;
  /** http:// base URLs to loopback hosts accepted in customer overrides (DIF_ALLOW_LOOPBACK_HTTP=1): local mock vendors only. */
  allowLoopbackHttp: boolean;
  /** Port of the worker's /metrics (DIF_METRICS_PORT; unset: not served, 0: a free port). */
  metricsPort?: number;
  /** Port of the Temporal SDK's own Prometheus metrics (DIF_TEMPORAL_METRICS_PORT; unset: not served). */
  temporalMetricsPort?: number;
  /** Where failed runs are reported, Slack-compatible (DIF_ALERT_WEBHOOK_URL; unset: no alerts). A secret: never logged. */
  alertWebhookUrl?: string;
  /** How long one incident stays quiet after its alert (DIF_ALERT_QUIET_HOURS, default 6). */
  alertQuietSeconds?: number;
  /** Activity timing that tests shorten. */
  timing: { semaphoreRetryMs: number; activityTimeoutMs: number };
}

const env = (name: string, fallback: string): string => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
};

export function difHome(): string {
  return env('DIF_HOME', path.join(os.homedir(), '.cache', 'dif'));
}

/** The checkout's root, whether running from TypeScript sources or from dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find DIF's package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export type ObjectStoreSettings = Settings['objectStore'];

/**
 * An object store from `<prefix>OBJECT_STORE` (local|s3) and its companions. DIF's own
 * store uses the prefix DIF_; a clean-room worker also reads DIF_EXPORT_ for DIF's store,
 * beside its own.
 */
export function objectStoreSettings(prefix: string, defaultDir: string): ObjectStoreSettings {
  const kind = env(`${prefix}OBJECT_STORE`, 'local');
  if (kind !== 'local' && kind !== 's3') throw new Error(`${prefix}OBJECT_STORE must be "local" or "s3", got "${kind}"`);
  if (kind === 'local') return { kind, dir: env(`${prefix}OBJECT_STORE_DIR`, defaultDir) };
  const endpoint = process.env[`${prefix}S3_ENDPOINT`] || undefined;
  return {
    kind,
    bucket: env(`${prefix}S3_BUCKET`, 'dif'),
    endpoint,
    region: env(`${prefix}S3_REGION`, 'us-east-1'),
    accessKeyId: process.env[`${prefix}S3_ACCESS_KEY`] || undefined,
    secretAccessKey: process.env[`${prefix}S3_SECRET_KEY`] || undefined,
    forcePathStyle: env(`${prefix}S3_FORCE_PATH_STYLE`, endpoint ? 'true' : 'false') === 'true',
  };
}

export function loadSettings(overrides: Partial<Settings> = {}): Settings {
  const home = difHome();
  const kms = env('DIF_KMS', 'local');
  if (kms !== 'local' && kms !== 'aws') throw new Error(`DIF_KMS must be "local" or "aws", got "${kms}"`);
  return {
    temporalAddress: env('DIF_TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    temporalNamespace: env('DIF_TEMPORAL_NAMESPACE', 'default'),
    taskQueue: env('DIF_TASK_QUEUE', 'dif-ingest'),
    temporalUiUrl: env('DIF_TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
    mysqlUrl: env('DIF_MYSQL_URL', 'mysql://root@127.0.0.1:3306/dif'),
    redisUrl: env('DIF_REDIS_URL', 'redis://127.0.0.1:6379/0'),
    postgresUrl: env('DIF_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/dif'),
    warehouse: env('DIF_WAREHOUSE', 'postgres'),
    warehouseSchema: env('DIF_WAREHOUSE_SCHEMA', 'dif'),
    vendorsDir: env('DIF_VENDORS_DIR', path.join(projectRoot(), 'vendors')),
    objectStore: objectStoreSettings('DIF_', path.join(home, 'objects')),
    kms:
      kms === 'local'
        ? { kind: 'local', keyringFile: env('DIF_LOCAL_KEYRING', path.join(home, 'keyring.json')) }
        : {
            kind: 'aws',
            keyId: env('DIF_KMS_KEY_ID', 'alias/dif'),
            endpoint: process.env.DIF_KMS_ENDPOINT || undefined,
            region: env('DIF_KMS_REGION', env('DIF_S3_REGION', 'us-east-1')),
            accessKeyId: process.env.DIF_KMS_ACCESS_KEY || undefined,
            secretAccessKey: process.env.DIF_KMS_SECRET_KEY || undefined,
          },
    csvPartBytes: Number(env('DIF_CSV_PART_MB', '256')) * 1024 * 1024,
    allowLoopbackHttp: env('DIF_ALLOW_LOOPBACK_HTTP', '0') === '1',
    ...optionalPort('metricsPort', 'DIF_METRICS_PORT'),
    ...optionalPort('temporalMetricsPort', 'DIF_TEMPORAL_METRICS_PORT'),
    ...(process.env.DIF_ALERT_WEBHOOK_URL ? { alertWebhookUrl: process.env.DIF_ALERT_WEBHOOK_URL } : {}),
    alertQuietSeconds: Number(env('DIF_ALERT_QUIET_HOURS', '6')) * 3600,
    timing: {
      semaphoreRetryMs: Number(env('DIF_SEMAPHORE_RETRY_MS', '2000')),
      activityTimeoutMs: Number(env('DIF_ACTIVITY_TIMEOUT_MS', '600000')),
    },
    ...overrides,
  };
}

/** A port from the environment, or nothing when unset; a clear error when it is not one. */
function optionalPort<K extends 'metricsPort' | 'temporalMetricsPort'>(key: K, name: string): Partial<Record<K, number>> {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return {};
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0 for any free port), got "${raw}"`);
  return { [key]: port } as Partial<Record<K, number>>;
}

/** A run's page in the Temporal Web UI. */
export function webUiLink(settings: Pick<Settings, 'temporalUiUrl' | 'temporalNamespace'>, workflowId: string, runId: string): string {
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
}

/** The Web UI's list of the runs a visibility query finds. */
export function webUiRunsLink(settings: Pick<Settings, 'temporalUiUrl' | 'temporalNamespace'>, query: string): string {
  return `${settings.temporalUiUrl}/namespaces/${encodeURIComponent(settings.temporalNamespace)}/workflows?query=${encodeURIComponent(query)}`;
}
