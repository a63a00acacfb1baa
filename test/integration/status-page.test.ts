/**
 * `dif serve` against real Temporal, Redis, MySQL and Postgres: a run waiting for a permit
 * (running, and its vendor's semaphore full in the limits), a run the vendor failed with an
 * error body carrying markup (failed, the error escaped), a customer whose id carries markup
 * (lateness: never loaded, escaped), and a late customer; the page and /status.json agree.
 * demo-ads gets `freshness: { dueHours: 30 }` in a vendors folder of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ingestWorkflowId } from '../../core/run-plan';
import { projectRoot } from '../../adapters/settings';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import { serveStatus } from '../../cli/serve/serve';
import type { StatusServer } from '../../cli/serve/server';
import type { StatusSnapshot } from '../../cli/serve/status';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';

let h: Harness;
let server: StatusServer | undefined;
const vendorsDir = path.join(os.tmpdir(), 'dif-test', 'status-page', 'vendors');
const XSS_ID = `evil"><script>alert(1)</script>`;
const XSS_BODY = '{"error":"<img src=x onerror=alert(2)>"}';

beforeAll(async () => {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'demo-ads', 'config.json'), 'utf8'));
  config.streams.campaign_daily.freshness = { dueHours: 30 };
  fs.mkdirSync(path.join(vendorsDir, 'demo-ads'), { recursive: true });
  fs.writeFileSync(path.join(vendorsDir, 'demo-ads', 'config.json'), JSON.stringify(config, null, 2));
  h = await startHarness('status-page', { settings: { vendorsDir } });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await h?.shutdown();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function start(customer: string, from: string, to: string) {
  const window = { from, to };
  return h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
    args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: { semaphoreRetryMs: 200, maxAttempts: 1 } }],
  });
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 60; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('the page lists vendors, running and failed runs, lateness and limits, with markup from customers and vendors escaped', async () => {
  const [late, failing, waiting] = [uniqueName('late'), uniqueName('failing'), uniqueName('waiting')];
  for (const c of [late, failing, waiting, XSS_ID]) await h.seedCustomer(c);
  expect(await start(late, '2026-10-01', '2026-10-02').then((r) => r.result()).then(() => true)).toBe(true);
  h.vendor.failNext(1, { status: 400, body: XSS_BODY });
  const failed = await start(failing, day(-1), day(-1));
  await expect(failed.result()).rejects.toThrow();

  // Both of the waiting customer's permits taken by someone else: its run waits, running.
  const key = semaphoreKey('demo-ads', 'customer', waiting);
  for (const holder of ['other-1', 'other-2']) {
    expect(await h.runtime.deps.semaphores.tryAcquire({ key, holder, limit: 2, leaseMs: 120_000 })).toBe(true);
  }
  const running = await start(waiting, day(-1), day(-1));
  try {
    server = await serveStatus(h.settings, { port: 0, host: '127.0.0.1', refreshSeconds: 30 });
    const json = await until(
      async () => (await (await fetch(`${server!.url}status.json`)).json()) as StatusSnapshot,
      (s) => s.failed.some((r) => r.customer === failing) && s.running.some((r) => r.customer === waiting) && s.vendors[0]?.permits.some((p) => p.name === key && p.waiting === 1),
      'the failed run, the running one and its wait to show',
    );
    expect(json.problems).toEqual([]);
    expect(json.vendors).toEqual([
      expect.objectContaining({ vendor: 'demo-ads', title: expect.any(String), semaphore: { scope: 'customer', limit: 2 }, customers: expect.any(Number), freshness: expect.objectContaining({ late: expect.any(Number), failing: expect.any(Number), 'never-loaded': expect.any(Number) }) }),
    ]);
    expect(json.vendors[0].permits).toContainEqual({ name: key, held: 2, limit: 2, waiting: 1 });
    expect(json.running).toContainEqual(expect.objectContaining({ workflowId: running.workflowId, status: 'RUNNING', vendor: 'demo-ads', customer: waiting, uiUrl: expect.stringMatching(/^http:\/\//) }));
    const failedRun = json.failed.find((r) => r.workflowId === failed.workflowId)!;
    expect(failedRun).toMatchObject({ status: 'FAILED', customer: failing, stream: 'campaign_daily' });
    expect(failedRun.error).toContain('<img src=x onerror=alert(2)>'); // the vendor's words, as data
    expect(json.lateness).toContainEqual(expect.objectContaining({ customer: late, state: 'late', lastLoadedWindow: { from: '2026-10-01', to: '2026-10-02' } }));
    expect(json.lateness).toContainEqual(expect.objectContaining({ customer: XSS_ID, state: 'never-loaded' }));
    expect(json.lateness).toContainEqual(expect.objectContaining({ customer: failing, state: 'failing', lastFailedRun: failed.workflowId }));

    const page = await fetch(server.url);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await page.text();
    for (const row of [running.workflowId, failed.workflowId, late, key]) expect(html).toContain(row.replace(/&/g, '&amp;'));
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('evil&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toMatch(/<span class="full">2 \/ 2<\/span>/);
  } finally {
    await running.terminate('test over').catch(() => undefined);
    for (const holder of ['other-1', 'other-2']) await h.runtime.deps.semaphores.release({ key, holder });
  }
}, 240_000);
