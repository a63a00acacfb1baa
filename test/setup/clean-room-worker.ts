/**
 * The clean-room worker as a customer runs it: the compiled dist/workers/clean-room.js in
 * its own process, configured only through environment variables, with its own MySQL,
 * KMS keyring and object store, and DIF's store as its export target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot, type Settings } from '../../adapters/settings';

export interface CleanRoomProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

function storeEnv(prefix: string, store: Settings['objectStore']): NodeJS.ProcessEnv {
  if (store.kind === 'local') return { [`${prefix}OBJECT_STORE`]: 'local', [`${prefix}OBJECT_STORE_DIR`]: store.dir };
  return {
    [`${prefix}OBJECT_STORE`]: 's3',
    [`${prefix}S3_BUCKET`]: store.bucket,
    [`${prefix}S3_ENDPOINT`]: store.endpoint ?? '',
    [`${prefix}S3_REGION`]: store.region,
    [`${prefix}S3_ACCESS_KEY`]: store.accessKeyId ?? '',
    [`${prefix}S3_SECRET_KEY`]: store.secretAccessKey ?? '',
  };
}

export async function startCleanRoomWorker(customer: string, own: Settings, difStore: Settings['objectStore']): Promise<CleanRoomProcess> {
  if (own.kms.kind !== 'local') throw new Error('this helper passes a local keyring only');
  // Only what the guide tells a customer to set: nothing of DIF's MySQL, KMS or warehouse.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DIF_CLEAN_ROOM_CUSTOMER: customer,
    DIF_TEMPORAL_ADDRESS: own.temporalAddress,
    DIF_REDIS_URL: own.redisUrl,
    DIF_MYSQL_URL: own.mysqlUrl,
    DIF_KMS: 'local',
    DIF_LOCAL_KEYRING: own.kms.keyringFile,
    ...storeEnv('DIF_', own.objectStore),
    ...storeEnv('DIF_EXPORT_', difStore),
    DIF_POSTGRES_URL: 'postgres://nobody@127.0.0.1:1/none',
    DIF_LOG_LEVEL: 'INFO',
  };
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'workers', 'clean-room.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('polling task queue')) {
    if (child.exitCode !== null) throw new Error(`clean-room worker exited at start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`clean-room worker did not start in 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
