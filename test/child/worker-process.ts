/** Starts test/child/worker.ts as a real process and waits until it polls. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Settings } from '../../adapters/settings';
import { WORKFLOW_BUNDLE } from '../setup/test-settings';

export interface WorkerProcess {
  child: ChildProcess;
  /** stdout and stderr of the process, as written so far. */
  output(): string;
  /** Temporal SDK log entries (JSON lines), as written so far. */
  logs(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(settings: Settings, logFile: string): Promise<WorkerProcess> {
  fs.rmSync(logFile, { force: true });
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'ts-hook.js'), path.join(__dirname, 'worker.ts')], {
    env: { ...process.env, DIF_CHILD_SETTINGS: JSON.stringify(settings), DIF_CHILD_LOG: logFile, DIF_CHILD_BUNDLE: WORKFLOW_BUNDLE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child worker not ready in 30 s:\n${output}`)), 30_000);
    child.stdout!.on('data', () => output.includes('ready') && (clearTimeout(timer), resolve()));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`child worker exited (${code}):\n${output}`))));
  });
  return {
    child,
    output: () => output,
    logs: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
