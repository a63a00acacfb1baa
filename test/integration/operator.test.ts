/**
 * The operator's side on the real stack: a backfill interrupted and resumed, a schedule
 * triggered once, a cancel that gives back the semaphore, and runs found through
 * visibility with their search attributes and memo.
 */
import { planBackfill, startBackfill, watchBackfill } from '../../cli/backfill/backfill';
import { backfillInputOf, cancelRun, listRuns, runStatus } from '../../cli/runs/runs';
import { createSchedule } from '../../cli/schedule/schedule';
import { ingestWorkflowId } from '../../core/run-plan';
import { logicalWindow } from '../../core/logical-window';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import type { BackfillProgress } from '../../workflows/backfill-types';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';

const TABLE = 'dif_test.demo_ads_campaign_daily';
const fast = { semaphoreRetryMs: 100, maxAttempts: 4 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness('operator');
});
afterAll(async () => {
  await h?.shutdown();
});

async function rowCounts(customer: string) {
  const { rows } = await h.runtime.postgres.query(
    `SELECT count(*)::int AS n, count(DISTINCT (campaign_id, date))::int AS keys, min(date)::text AS first, max(date)::text AS last
       FROM ${TABLE} WHERE _dif_customer = $1`,
    [customer],
  );
  return rows[0];
}

function plan(customer: string) {
  return planBackfill(h.client, h.runtime.deps.vendorConfigs, {
    vendor: 'demo-ads', customer, customers: [customer], from: '2026-09-01', to: '2026-09-28', windowDays: 7, parallel: 1, options: fast,
  });
}

test('a backfill interrupted after some windows and re-run skips the completed ones and loads every row once', async () => {
  const customer = uniqueName('backfill');
  await h.seedCustomer(customer);
  h.vendor.configure({ delayMs: 1500 }); // slow enough to interrupt between windows
  try {
    const first = await plan(customer);
    expect(first.items.map((i) => `${i.window.from}..${i.window.to}`)).toEqual([
      '2026-09-01..2026-09-07', '2026-09-08..2026-09-14', '2026-09-15..2026-09-21', '2026-09-22..2026-09-28',
    ]);
    expect(first.items.every((i) => i.lastStatus === 'NEW')).toBe(true);
    const handle = await startBackfill(h.client, h.settings, first);
    expect(handle.workflowId).toBe(`backfill/demo-ads/${customer}/2026-09-01..2026-09-28/7d`);
    await waitFor(async () => (await handle.query<BackfillProgress>('progress')).completed >= 1);
    await handle.terminate('interrupted by the test');
    // The terminated backfill asked its running child to cancel; wait until it has closed.
    await waitFor(async () => (await plan(customer)).items.every((i) => i.lastStatus !== 'RUNNING'));
  } finally {
    h.vendor.configure({ delayMs: 0 });
  }

  const second = await plan(customer);
  const done = second.items.filter((i) => i.lastStatus === 'COMPLETED').length;
  expect(done).toBeGreaterThanOrEqual(1);
  expect(done).toBeLessThan(4);
  const requestsBefore = h.vendor.requests.length;
  const resumed = await startBackfill(h.client, h.settings, second);
  const seen: number[] = [];
  const final = await watchBackfill(resumed, (p) => seen.push(p.completed + p.skipped + p.failed), 100);

  expect(final).toMatchObject({ total: 4, failed: 0, skipped: done, completed: 4 - done });
  expect(h.vendor.requests.length - requestsBefore).toBe(4 - done); // skipped windows never called the vendor
  expect(seen.at(-1)).toBe(4);
  expect(await rowCounts(customer)).toEqual({ n: 140, keys: 140, first: '2026-09-01', last: '2026-09-28' }); // 28 days × 5 campaigns

  // status answers with the backfill's counts; list finds its windows by search attributes, with their memo.
  const status = await runStatus(h.client, h.settings, resumed.workflowId);
  expect(status).toMatchObject({ type: 'backfill', status: 'COMPLETED', vendor: 'demo-ads', customer, progress: { total: 4, failed: 0 } });
  await waitFor(async () => (await listRuns(h.client, h.settings, { vendor: 'demo-ads', customer, type: 'ingest', status: 'completed' })).length === 4);
  const runs = await listRuns(h.client, h.settings, { vendor: 'demo-ads', customer, type: 'ingest', status: 'completed' });
  expect(runs.map((r) => r.workflowId).sort()).toEqual(second.items.map((i) => i.workflowId).sort());
  expect(runs[0].summary).toMatch(/^35 records, 35 rows loaded \(35 new, 0 replaced\), 1 pages$/);
  // Without --type the list leaves out the parts of runs (chunk and poll children); the server accepts that query.
  const untyped = await listRuns(h.client, h.settings, { vendor: 'demo-ads', customer, status: 'completed' });
  expect(untyped.map((r) => r.workflowId)).toEqual(expect.arrayContaining(runs.map((r) => r.workflowId)));
});

test('dif retry re-runs only the failed window of a backfill', async () => {
  const customer = uniqueName('retry');
  await h.seedCustomer(customer);
  expect(await h.runtime.deps.customers.listCustomersOfVendor('demo-ads')).toContain(customer); // --customer all
  h.vendor.failNext(1, { status: 401 }); // not retried: the first window fails for good
  const first = await startBackfill(h.client, h.settings, await plan(customer));
  const failed = await watchBackfill(first, () => undefined, 100);
  expect(failed).toMatchObject({ total: 4, completed: 3, failed: 1 });
  expect(failed.items[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/answered 401/) });

  const input = await backfillInputOf(h.client, first.workflowId);
  expect(input.items).toHaveLength(4);
  const requestsBefore = h.vendor.requests.length;
  const retried = await startBackfill(h.client, h.settings, { backfillId: first.workflowId, input, items: [] });
  const final = await watchBackfill(retried, () => undefined, 100);
  expect(final).toMatchObject({ total: 4, completed: 1, skipped: 3, failed: 0 });
  expect(final.items[0]).toMatchObject({ status: 'completed', rowsLoaded: 35 });
  expect(h.vendor.requests.length - requestsBefore).toBe(1);
  expect(await rowCounts(customer)).toEqual({ n: 140, keys: 140, first: '2026-09-01', last: '2026-09-28' });
});

test('a schedule triggered once loads yesterday minus the lookback, by its scheduled time', async () => {
  const customer = uniqueName('sched');
  await h.seedCustomer(customer);
  const schedule = await createSchedule(h.client, h.settings, h.runtime.deps.vendorConfigs, {
    vendor: 'demo-ads', customer, hour: 3, lookbackDays: 2, options: fast,
  });
  try {
    const triggeredAt = new Date();
    await schedule.trigger();
    let started: { workflowId: string; firstExecutionRunId: string } | undefined;
    await waitFor(async () => {
      started = (await schedule.describe()).info.recentActions[0]?.action.workflow;
      return started !== undefined;
    });
    const result = (await h.client.workflow.getHandle(started!.workflowId, started!.firstExecutionRunId).result()) as {
      window: { from: string; to: string };
      runs: { workflowId: string; recordsFetched: number }[];
    };
    const expected = logicalWindow(triggeredAt, 2);
    expect(result.window).toEqual(expected);
    expect(result.runs.map((r) => r.workflowId)).toEqual([ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window: expected })]);
    expect(await rowCounts(customer)).toEqual({ n: 15, keys: 15, first: expected.from, last: expected.to }); // 3 days × 5 campaigns
  } finally {
    await schedule.delete();
  }
});

test('dif cancel on a running ingest releases its semaphore', async () => {
  const customer = uniqueName('cancel');
  await h.seedCustomer(customer);
  h.vendor.configure({ delayMs: 3000 });
  try {
    const window = { from: '2026-10-01', to: '2026-10-07' };
    const handle = await h.client.workflow.start('ingest', {
      taskQueue: h.settings.taskQueue,
      workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
      args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: fast }],
    });
    const key = semaphoreKey('demo-ads', 'customer', customer);
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 1);
    await cancelRun(h.client, handle.workflowId);
    await expect(handle.result()).rejects.toThrow();
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 0);
    expect((await runStatus(h.client, h.settings, handle.workflowId)).status).toBe('CANCELLED');
  } finally {
    h.vendor.configure({ delayMs: 0 });
  }
});

test('dif cancel on a backfill cancels its running window, which releases its semaphore, and starts no more', async () => {
  const customer = uniqueName('cancelbf');
  await h.seedCustomer(customer);
  h.vendor.configure({ delayMs: 3000 });
  try {
    const handle = await startBackfill(h.client, h.settings, await plan(customer));
    const key = semaphoreKey('demo-ads', 'customer', customer);
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 1);
    await cancelRun(h.client, handle.workflowId);
    await expect(handle.result()).rejects.toThrow();
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 0);
    expect((await runStatus(h.client, h.settings, handle.workflowId)).status).toBe('CANCELLED');
    const after = await plan(customer);
    expect(after.items[0].lastStatus).toBe('CANCELLED');
    expect(after.items.slice(1).map((i) => i.lastStatus)).toEqual(['NEW', 'NEW', 'NEW']);
  } finally {
    h.vendor.configure({ delayMs: 0 });
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}
