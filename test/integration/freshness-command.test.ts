/**
 * `dif freshness` over real runs: a customer loaded up to yesterday (fresh), one whose last
 * load is weeks old (late), one whose run failed (failing); read from the warehouse's load
 * audit and Temporal visibility, as an operator or a cron job runs it (exit 1 when late).
 * The vendor is demo-ads with `freshness: { dueHours: 30 }` added, in a vendors folder of its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ingestWorkflowId } from '../../core/run-plan';
import { projectRoot } from '../../adapters/settings';
import { startHarness, type Harness } from '../setup/harness';
import { dif } from '../setup/run-cli';
import { TEST_MYSQL_URL, TEST_POSTGRES_URL, uniqueName, TEST_SCRATCH } from '../setup/test-settings';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let h: Harness;
const vendorsDir = path.join(TEST_SCRATCH, 'freshness', 'vendors');

beforeAll(async () => {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'demo-ads', 'config.json'), 'utf8'));
  config.streams.campaign_daily.freshness = { dueHours: 30 };
  fs.mkdirSync(path.join(vendorsDir, 'demo-ads'), { recursive: true });
  fs.writeFileSync(path.join(vendorsDir, 'demo-ads', 'config.json'), JSON.stringify(config, null, 2));
  h = await startHarness('freshness', { settings: { vendorsDir } });
  Object.assign(process.env, {
    DIF_MYSQL_URL: TEST_MYSQL_URL,
    DIF_POSTGRES_URL: TEST_POSTGRES_URL,
    DIF_WAREHOUSE_SCHEMA: h.settings.warehouseSchema,
    DIF_VENDORS_DIR: vendorsDir,
    DIF_KMS: 'local',
    DIF_LOCAL_KEYRING: (h.settings.kms as { keyringFile: string }).keyringFile,
  });
}, 60_000);
afterAll(async () => {
  await h?.shutdown();
});
afterEach(() => {
  process.exitCode = undefined;
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

async function ingest(customer: string, from: string, to: string): Promise<boolean> {
  const window = { from, to };
  const handle = await h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
    args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: { semaphoreRetryMs: 100, maxAttempts: 1 } }],
  });
  return handle.result().then(() => true, () => false);
}

async function freshness(customer: string): Promise<{ json: Record<string, unknown>; exitCode: number | undefined }> {
  // Visibility is updated as runs close; a moment may pass before a list sees the newest.
  const json = JSON.parse(await dif('freshness', '--vendor', 'demo-ads', '--customer', customer, '--json')) as Record<string, unknown>;
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = undefined;
  return { json, exitCode };
}

test('fresh, late and failing streams, with their last window and lag; exit 1 when late or failing', async () => {
  const [fresh, late, failing] = [uniqueName('fresh'), uniqueName('late'), uniqueName('failing')];
  for (const c of [fresh, late, failing]) await h.seedCustomer(c);
  expect(await ingest(fresh, day(-2), day(-1))).toBe(true);
  expect(await ingest(late, '2026-10-01', '2026-10-02')).toBe(true);
  expect(await ingest(failing, day(-2), day(-1))).toBe(true);
  h.vendor.failNext(1, { status: 400 });
  expect(await ingest(failing, day(-1), day(-1))).toBe(false);

  const f = await freshness(fresh);
  expect(f.json).toMatchObject({ customer: fresh, vendor: 'demo-ads', stream: 'campaign_daily', dueHours: 30, state: 'fresh', lastLoadedWindow: { from: day(-2), to: day(-1) } });
  expect(f.json.lagHours).toBeLessThanOrEqual(24);
  // Success: no exit code set, or 0 (something else in the jest process may leave process.exitCode at 0).
  expect(f.exitCode ?? 0).toBe(0);

  const l = await freshness(late);
  expect(l.json).toMatchObject({ state: 'late', lastLoadedWindow: { from: '2026-10-01', to: '2026-10-02' } });
  expect(l.json.lagHours).toBeGreaterThan(24 * 7);
  expect(l.exitCode).toBe(1);

  let failed = await freshness(failing);
  for (let i = 0; i < 20 && failed.json.state !== 'failing'; i++) {
    await new Promise((r) => setTimeout(r, 250));
    failed = await freshness(failing);
  }
  expect(failed.json).toMatchObject({ state: 'failing', lastLoadedWindow: { to: day(-1) }, lastFailedRun: ingestWorkflowId({ vendor: 'demo-ads', customer: failing, stream: 'campaign_daily', window: { from: day(-1), to: day(-1) } }) });
  expect(failed.exitCode).toBe(1);

  // A new run that loads clears it; and the table, as people read it.
  await alertOnce(late);
  expect(await ingest(failing, day(-1), day(-1))).toBe(true);
  const table = await dif('freshness', '--vendor', 'demo-ads', '--customer', failing);
  expect(table).toMatch(new RegExp(`${failing}\\s+│?\\s*demo-ads\\s+│?\\s*campaign_daily\\s+│?\\s*${day(-1)}\\.\\.${day(-1)}.*\\bfresh\\b`));
  expect(process.exitCode ?? 0).toBe(0);
}, 120_000);

/** `--alert`: a late stream posts once to the webhook, however often the check runs, until it is fresh again. */
async function alertOnce(customer: string): Promise<void> {
  const received: { text: string }[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => (received.push(JSON.parse(body)), res.end('ok')));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.env.DIF_ALERT_WEBHOOK_URL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    for (let i = 0; i < 3; i++) await dif('freshness', '--vendor', 'demo-ads', '--customer', customer, '--alert');
    expect(process.exitCode).toBe(1);
    expect(received.map((m) => m.text)).toEqual([
      expect.stringMatching(new RegExp(`^DIF stream late: demo-ads / ${customer} / campaign_daily, window 2026-10-01 – 2026-10-02: nothing loaded after 2026-10-02 \\(\\d+(\\.\\d)? h ago\\); the next window was due 2026-10-05T06:00:00.000Z \\(dueHours 30\\)$`)),
    ]);
    // Fresh again closes the incident; turning late again would post anew.
    expect(await ingest(customer, day(-1), day(-1))).toBe(true);
    await dif('freshness', '--vendor', 'demo-ads', '--customer', customer, '--alert');
    expect(received).toHaveLength(1);
  } finally {
    delete process.env.DIF_ALERT_WEBHOOK_URL;
    process.exitCode = undefined;
    await new Promise((resolve) => receiver.close(resolve));
  }
}
