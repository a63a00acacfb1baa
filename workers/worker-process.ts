/**
 * A DIF worker (the compiled dist/workers/main.js) as a child process, with the settings of
 * the process that starts it: for tests that kill a worker with SIGKILL mid-run and for the
 * fleet bench's several workers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot, type Settings } from '../adapters/settings';

export interface WorkerProcess {
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output: () => string;
  /** SIGKILL, resolved once it has exited (at once when it has already). */
  kill(): Promise<void>;
}

/** The DIF_* environment a worker reads `settings` from (loadSettings' inverse, for what a worker needs). */
export function workerEnv(settings: Settings): NodeJS.ProcessEnv {
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
  };
}

/** Starts a worker with `env` over this process's environment; resolves once it polls its task queue. */
export async function startWorkerProcess(env: NodeJS.ProcessEnv, startTimeoutMs = 30_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'workers', 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + startTimeoutMs;
  while (!output.includes('polling task queue')) {
    if (child.exitCode !== null) throw new Error(`worker exited at start-up:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start in ${startTimeoutMs / 1000} s:\n${output}`);
    }
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
