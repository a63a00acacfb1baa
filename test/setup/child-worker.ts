/**
 * A real DIF worker in its own process (the compiled dist/workers/main.js), configured like
 * the test harness, for tests that kill a worker with SIGKILL mid-run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot, type Settings } from '../../adapters/settings';
import { WORKFLOW_BUNDLE } from './test-settings';

export interface ChildWorker {
  process: ChildProcess;
  output: () => string;
  kill(): Promise<void>;
}

export function settingsEnv(settings: Settings): NodeJS.ProcessEnv {
  const store = settings.objectStore;
  const kms = settings.kms;
  return {
    DIF_TEMPORAL_ADDRESS: settings.temporalAddress,
    DIF_TASK_QUEUE: settings.taskQueue,
    DIF_MYSQL_URL: settings.mysqlUrl,
    DIF_POSTGRES_URL: settings.postgresUrl,
    DIF_REDIS_URL: settings.redisUrl,
    DIF_WAREHOUSE_SCHEMA: settings.warehouseSchema,
    DIF_VENDORS_DIR: settings.vendorsDir,
    DIF_ALLOW_LOOPBACK_HTTP: settings.allowLoopbackHttp ? '1' : '0',
    DIF_OBJECT_STORE: store.kind,
    ...(store.kind === 'local' ? { DIF_OBJECT_STORE_DIR: store.dir } : {}),
    DIF_KMS: kms.kind,
    ...(kms.kind === 'local' ? { DIF_LOCAL_KEYRING: kms.keyringFile } : {}),
    DIF_WORKFLOW_BUNDLE: WORKFLOW_BUNDLE,
    DIF_LOG_LEVEL: 'WARN',
    DIF_WORKER_STICKY_TIMEOUT_MS: '1000',
  };
}

export async function startChildWorker(settings: Settings): Promise<ChildWorker> {
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'workers', 'main.js')], {
    env: { ...process.env, ...settingsEnv(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (!output.includes('polling task queue')) {
    if (child.exitCode !== null) throw new Error(`worker exited at start-up:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker did not start in 30 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    process: child,
    output: () => output,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
