/**
 * A whole ingestion run by a worker in its own process, then a search for the API key in
 * everything the run left: its Temporal history (payloads decoded), the object store, and
 * every line the worker logged (Temporal SDK log entries at DEBUG with their metadata, and
 * its stdout/stderr). A retried vendor failure is scripted so that failure paths log too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestWorkflowId } from '../../core/run-plan';
import { historyText as readHistoryText } from '../setup/history-text';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';
import { startWorkerProcess, type WorkerProcess } from '../child/worker-process';

let h: Harness;
let worker: WorkerProcess;
beforeAll(async () => {
  h = await startHarness('scan');
});
afterAll(async () => {
  await worker?.kill('SIGTERM');
  await h?.shutdown();
});

/** The forms a secret could leak in: as is, URL-encoded, base64 (how history payloads are stored). */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

test('no secret in the history, the object store, or the worker logs of a whole run', async () => {
  const customer = uniqueName('scan');
  await h.seedCustomer(customer);
  const queue = `${h.settings.taskQueue}-scan`;
  const logFile = path.join(os.tmpdir(), `${customer}.log`);
  worker = await startWorkerProcess({ ...h.settings, taskQueue: queue }, logFile);
  h.vendor.failNext(1, { status: 500, body: '{"error":{"code":500,"message":"scripted"}}' });

  const window = { from: '2026-10-01', to: '2026-10-03' };
  const handle = await h.client.workflow.start('ingest', {
    taskQueue: queue,
    workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
    args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: { semaphoreRetryMs: 100 } }],
  });
  const summary = await handle.result();
  expect(summary.rowsLoaded).toBe(15);
  // The key was really used: the vendor saw it (twice: the 500, then the retry).
  expect(h.vendor.requests.filter((r) => r.headers['x-api-key'] === h.apiKey).length).toBeGreaterThanOrEqual(2);
  await worker.kill('SIGTERM'); // flushes its logs

  const historyText = await readHistoryText(handle);
  expect(historyText).toContain(customer); // decoding works: the customer id is in the payloads

  const root = (h.settings.objectStore as { dir: string }).dir;
  const files = (fs.readdirSync(root, { recursive: true }) as string[])
    .map((f) => path.join(root, f))
    .filter((f) => fs.statSync(f).isFile());
  const objects = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  expect(objects).toContain(`${customer}`); // this run's CSV is among them

  const logs = worker.logs() + worker.output();
  expect(logs).toMatch(/Activity failed|failed/i); // the scripted 500 was logged
  expect(logs).toContain(customer); // and the log is about this run

  for (const secret of forms(h.apiKey)) {
    expect(historyText).not.toContain(secret);
    expect(objects).not.toContain(secret);
    expect(logs).not.toContain(secret);
  }
});
