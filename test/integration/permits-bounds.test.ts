/**
 * Bounds around permits (issue 13), on the real worker, Temporal and Redis:
 * - defect 5: a wait for a permit ends after `semaphore.maxWaitSeconds` (or `dif run
 *   --max-wait`) with PermitWaitTimeout naming the semaphore, and the waiter leaves the queue;
 * - defect 4: an attempt resumed after a failure continues from the page checkpoint of the
 *   one before, even when keep-alive heartbeats came after the checkpoint;
 * - defect 6: the run's result carries one key to a stored list of page-set lists and their
 *   count, not one key per batch.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import type { IngestSummary } from '../../core/contracts';
import { ingestWorkflowId, type DateWindow } from '../../core/run-plan';
import { dif } from '../setup/run-cli';
import { startZooHarness, ZOO_VENDORS, type ZooHarness } from '../setup/zoo-harness';
import { REQUEST_RETRY_DEFAULTS } from '../../core/request-retry';

let h: ZooHarness;
beforeAll(async () => {
  h = await startZooHarness('permits-bounds');
});
afterAll(() => h?.shutdown());

const window: DateWindow = { from: '2024-01-01', to: '2024-01-03' };

function start(vendor: string, customer: string, stream: string, options: Record<string, unknown> = {}): Promise<WorkflowHandle> {
  return h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor, customer, stream, window }),
    args: [{ vendor, customer, stream, window, options: { semaphoreRetryMs: 100, maxAttempts: 3, ...options } }],
  });
}

/** The run's outcome, or a failure of the test when it is still waiting after `ms` (main's code waited for ever). */
async function outcomeWithin(handle: WorkflowHandle, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the run is still waiting after ${ms} ms`)), ms)));
  try {
    return await Promise.race([handle.result().then((r) => ({ completed: r }), (e: unknown) => e), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a bounded wait for a permit (defect 5)', () => {
  /** A customer of zoo-contacts whose only permit is held by someone else for a minute. */
  async function blocked(semaphore: Record<string, unknown> = {}) {
    const customer = await h.customerFor('zoo-contacts', {}, {}, { semaphore: { scope: 'customer', limit: 1, ...semaphore } });
    const key = semaphoreKey('zoo-contacts', 'customer', customer);
    expect(await h.runtime.deps.semaphores.acquire({ key, limit: 1, holder: 'someone-else', leaseMs: 60_000 })).toMatchObject({ acquired: true });
    return { customer, key };
  }

  test('semaphore.maxWaitSeconds ends the wait with PermitWaitTimeout naming the semaphore; the waiter leaves the queue', async () => {
    const { customer, key } = await blocked({ maxWaitSeconds: 3 });
    const calls = h.zoo.requestsFor('generic.contacts').length;
    const startedAt = Date.now();
    const outcome = await outcomeWithin(await start('zoo-contacts', customer, 'contacts'), 25_000);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((outcome as WorkflowFailedError).cause).toMatchObject({
      type: 'PermitWaitTimeout',
      message: `no permit of ${key} (limit 1) within 3 s; raise semaphore.maxWaitSeconds or dif run --max-wait, or see who holds it with dif locks`,
    });
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(await h.runtime.deps.semaphores.snapshot(key)).toMatchObject({ holders: [expect.objectContaining({ holder: 'someone-else' })], waiters: [] });
    expect(h.zoo.requestsFor('generic.contacts').length).toBe(calls); // never called the vendor
  });

  test('dif run --max-wait overrides the config (here an hour) for that run', async () => {
    const { customer, key } = await blocked({ maxWaitSeconds: 3600 });
    const saved = { queue: process.env.DIF_TASK_QUEUE, vendors: process.env.DIF_VENDORS_DIR, mysql: process.env.DIF_MYSQL_URL, code: process.exitCode };
    process.env.DIF_TASK_QUEUE = h.settings.taskQueue;
    process.env.DIF_VENDORS_DIR = ZOO_VENDORS;
    // dif run checks the customer before it starts, in the test database, whose mock vendor is on loopback.
    process.env.DIF_MYSQL_URL = h.settings.mysqlUrl;
    const savedLoopback = process.env.DIF_ALLOW_LOOPBACK_HTTP;
    process.env.DIF_ALLOW_LOOPBACK_HTTP = '1';
    try {
      const running = dif('run', 'zoo-contacts', '--customer', customer, '--from', window.from, '--to', window.to, '--max-wait', '2', '--json');
      const printed = await Promise.race([running, new Promise<string>((_, reject) => setTimeout(() => reject(new Error('dif run still waiting after 25 s')), 25_000).unref())]);
      const line = JSON.parse(printed);
      // The run's ids as fields of their own (issue 21, item 8), not only inside uiUrl.
      expect(line).toMatchObject({ workflowId: `zoo-contacts/${customer}/contacts/${window.from}..${window.to}`, runId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(line.uiUrl).toContain(line.runId);
      expect(line).toMatchObject({
        status: 'FAILED',
        error: `no permit of ${key} (limit 1) within 2 s; raise semaphore.maxWaitSeconds or dif run --max-wait, or see who holds it with dif locks`,
      });
    } finally {
      process.env.DIF_TASK_QUEUE = saved.queue;
      process.env.DIF_VENDORS_DIR = saved.vendors;
      process.env.DIF_MYSQL_URL = saved.mysql;
      process.env.DIF_ALLOW_LOOPBACK_HTTP = savedLoopback;
      process.exitCode = saved.code;
    }
  });
});

test('a resumed attempt continues from the page checkpoint, not from page 1 (defect 4)', async () => {
  // 10 pages of 50; page 6 answers slowly (keep-alive heartbeats come after the checkpoint of page 5), then fails…
  h.zoo.configure({ contacts: { records: 500, defaultPageSize: 50, maxPageSize: 50 } });
  const customer = await h.customerFor('zoo-contacts', {}, {}, { semaphore: { scope: 'customer', limit: 1, leaseSeconds: 5 } });
  h.zoo.failNext('generic.contacts', 5, { delayMs: 1 });
  h.zoo.failNext('generic.contacts', 1, { delayMs: 4_000, status: 500 });
  // …and goes on failing until the request's own retries (retry.perRequest) are spent, so the activity attempt fails and is retried.
  h.zoo.failNext('generic.contacts', REQUEST_RETRY_DEFAULTS.maxAttempts - 1, { status: 500 });
  const store = h.runtime.deps.objectStore;
  const original = store.exists.bind(store);
  const lookups: string[] = [];
  const exists = jest.spyOn(store, 'exists').mockImplementation(async (key: string) => {
    if (key.includes(`/zoo-contacts/${customer}/`) && key.endsWith('.meta.json')) lookups.push(key.slice(-'page-000000.meta.json'.length));
    return original(key);
  });
  try {
    const handle = await start('zoo-contacts', customer, 'contacts', { heartbeatTimeoutMs: 3_000 });
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.pagesFetched).toBe(10);
    expect(summary.rowsLoaded).toBe(500);
    // Only the retried attempt looks pages up; it starts at the checkpoint (page 5, stored), never at page 1.
    expect(lookups[0]).toBe('page-000005.meta.json');
    expect(lookups).not.toContain('page-000001.meta.json');
  } finally {
    exists.mockRestore();
    h.zoo.configure({ contacts: { records: 120, defaultPageSize: 50, maxPageSize: 200 } });
  }
});

test('the result carries a count and one key to the stored list of page-set lists (defect 6)', async () => {
  const customer = await h.customerFor('zoo-linkedin', {}, { access_token: 'linkedin-token' });
  const handle = await h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor: 'zoo-linkedin', customer, stream: 'campaign_analytics', window: { from: '2024-01-30', to: '2024-02-01' } }),
    args: [{ vendor: 'zoo-linkedin', customer, stream: 'campaign_analytics', window: { from: '2024-01-30', to: '2024-02-01' }, options: { semaphoreRetryMs: 100 } }],
  });
  const summary = (await handle.result()) as IngestSummary;
  // 6 analytics items in batches of 2 (concurrency 3): three page-set lists, stored under one key.
  expect(summary.rawLists.count).toBe(3);
  const lists = JSON.parse(await h.runtime.deps.objectStore.getText(summary.rawLists.key)) as string[];
  expect(lists).toHaveLength(3);
  expect(lists.every((k) => /\/analytics\/pagesets-\d{7}\.json$/.test(k))).toBe(true);
  // The result in history names no page-set list.
  const { events } = await handle.fetchHistory();
  const completed = events!.find((e) => e.workflowExecutionCompletedEventAttributes)!.workflowExecutionCompletedEventAttributes!;
  const result = Buffer.from(completed.result!.payloads![0].data!).toString('utf8');
  expect(result).not.toContain('pagesets-');
  expect(result).toContain(summary.rawLists.key);
});
