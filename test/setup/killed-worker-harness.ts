/**
 * For tests that kill worker processes: copies of the zoo configs (edited per test), a harness
 * whose own in-process worker polls another queue, so only child workers serve runs and
 * killing them stops a run, and the vendor zoo. `stop` kills every child worker started.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../adapters/settings';
import { VendorZoo } from '../mock-vendor/vendor-zoo';
import { startHarness, type Harness } from './harness';
import { startChildWorker, type ChildWorker } from './child-worker';
import { ZOO_VENDORS } from './zoo-harness';

export interface KilledWorkerHarness {
  h: Harness;
  zoo: VendorZoo;
  zooUrl: string;
  /** A child worker on the runs' queue, killed by `stop` if the test has not. */
  startWorker(): Promise<ChildWorker>;
  /** Kills every child worker started so far: the next run goes to the next worker started, and only to it. */
  killWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/** `edits`: per zoo vendor, a change to its copied config; `settings`: the harness's (and so its workers') own. */
export async function startKilledWorkerHarness(
  name: string,
  edits: Record<string, (config: any) => void>, // eslint-disable-line @typescript-eslint/no-explicit-any
  settings: Partial<Settings> = {},
): Promise<KilledWorkerHarness> {
  const vendorsDir = fs.mkdtempSync(path.join(os.tmpdir(), `dif-${name}-vendors-`));
  fs.cpSync(ZOO_VENDORS, vendorsDir, { recursive: true });
  for (const [vendor, edit] of Object.entries(edits)) {
    const file = path.join(vendorsDir, vendor, 'config.json');
    const config = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(config);
    fs.writeFileSync(file, JSON.stringify(config));
  }
  const h = await startHarness(name, { settings: { ...settings, vendorsDir } });
  h.settings.taskQueue = `${h.settings.taskQueue}-children`;
  const zoo = new VendorZoo();
  const zooUrl = await zoo.start();
  const workers: ChildWorker[] = [];
  return {
    h,
    zoo,
    zooUrl,
    async startWorker() {
      const worker = await startChildWorker(h.settings);
      workers.push(worker);
      return worker;
    },
    async killWorkers() {
      for (const w of workers) await w.kill();
    },
    async stop() {
      for (const w of workers) await w.kill();
      await zoo.stop();
      await h.shutdown();
    },
  };
}
