/**
 * A real DIF worker in its own process (the compiled dist/workers/main.js), configured like
 * the test harness, for tests that kill a worker with SIGKILL mid-run.
 */
import type { Settings } from '../../adapters/settings';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../../workers/worker-process';
import { WORKFLOW_BUNDLE } from './test-settings';

export type ChildWorker = WorkerProcess;

export function settingsEnv(settings: Settings): NodeJS.ProcessEnv {
  return {
    ...workerEnv(settings),
    DIF_WORKFLOW_BUNDLE: WORKFLOW_BUNDLE,
    DIF_LOG_LEVEL: 'WARN',
    // How long a dead worker's cached workflows wait before another worker takes them over.
    DIF_WORKER_STICKY_TIMEOUT_MS: '1000',
  };
}

export function startChildWorker(settings: Settings): Promise<ChildWorker> {
  return startWorkerProcess(settingsEnv(settings));
}
