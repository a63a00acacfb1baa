/**
 * A worker process killed with SIGKILL in the middle of a pagination or an async job: the
 * run resumes on another worker where it stood. No stored page is fetched again (only the
 * page in flight at the kill may be), and no second vendor job is submitted.
 */
import { ingestWorkflowId, type DateWindow } from '../../core/run-plan';
import type { IngestSummary } from '../../core/contracts';
import type { VendorZoo } from '../mock-vendor/vendor-zoo';
import type { Harness } from '../setup/harness';
import { startKilledWorkerHarness, type KilledWorkerHarness } from '../setup/killed-worker-harness';
import { uniqueName } from '../setup/test-settings';
import { failureChain } from '../setup/failures';
import { AsyncJobsVendor, asyncJobRows } from '../mock-vendor/async-jobs-vendor';

let k: KilledWorkerHarness;
let h: Harness;
let zoo: VendorZoo;
let zooUrl: string;
const LEASE_SECONDS = 30;

beforeAll(async () => {
  k = await startKilledWorkerHarness('killed', {
    // A job timeout long enough to survive a worker's death and restart.
    'zoo-amazon': (config) => (config.streams.sp_campaigns.steps[0].poll.timeoutMinutes = 2),
    // A lease far under the 120 s heartbeat timeout activities had before it followed the lease.
    'zoo-orders': (config) => (config.semaphore.leaseSeconds = LEASE_SECONDS),
  });
  ({ h, zoo, zooUrl } = k);
});
afterAll(() => k?.stop());

async function seed(vendor: string, inputs: Record<string, unknown>, secrets: Record<string, string>, baseUrl = zooUrl, overrides: Record<string, unknown> = {}): Promise<string> {
  const customer = uniqueName('killed');
  await h.runtime.deps.customers.upsertCustomer(customer, customer);
  await h.runtime.deps.customers.upsertCustomerVendor(customer, vendor, inputs, { baseUrl, ...overrides });
  for (const [name, value] of Object.entries(secrets)) await h.runtime.deps.credentials.set({ customerId: customer, vendor, name }, value);
  return customer;
}

async function start(vendor: string, stream: string, customer: string, window: DateWindow, heartbeat: { heartbeatTimeoutMs?: number } = { heartbeatTimeoutMs: 2000 }) {
  return h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor, customer, stream, window }),
    workflowTaskTimeout: 2000,
    args: [{ vendor, customer, stream, window, options: { semaphoreRetryMs: 100, ...heartbeat, maxAttempts: 5 } }],
  });
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('killed during a pagination: resumes after the last stored page', async () => {
  zoo.configure({ orders: { records: 400 } }); // 20 pages of 20
  zoo.setLatency('generic.orders', 100);
  const customer = await seed('zoo-orders', {}, {});
  const seen = () => zoo.requestsFor('generic.orders').filter((r) => r.at >= startedAt);
  const startedAt = Date.now();

  const first = await k.startWorker();
  const handle = await start('zoo-orders', 'orders', customer, { from: '2024-01-01', to: '2024-01-01' });
  await until(() => seen().length >= 6);
  await first.kill();
  const beforeKill = seen().map((r) => Number(r.query.page));

  await k.startWorker();
  const summary = (await handle.result()) as IngestSummary;
  expect(summary.recordsFetched).toBe(400);
  expect(summary.pagesFetched).toBe(20);

  const pages = seen().map((r) => Number(r.query.page));
  const refetched = pages.filter((p, i) => pages.indexOf(p) !== i);
  // At most the page in flight when the worker died is asked for again.
  expect(refetched.length).toBeLessThanOrEqual(1);
  if (refetched.length) expect(refetched[0]).toBe(Math.max(...beforeKill));
  expect(new Set(pages).size).toBe(20);
  zoo.setLatency('generic.orders', 0);
});

test('killed while polling an async job: the same job is polled to the end, never submitted twice', async () => {
  zoo.configure({ amazon: { pollsBeforeComplete: 6, neverFinish: false, failNextJobs: 0 } });
  const customer = await seed('zoo-amazon', { client_id: 'amzn-client', profile_id: '42' }, { access_token: 'amazon-token' });
  const window = { from: '2024-05-01', to: '2024-05-02' };
  const polls = zoo.requestsFor('amazon.getReport').length;

  const worker = await k.startWorker();
  const handle = await start('zoo-amazon', 'sp_campaigns', customer, window);
  await until(() => zoo.requestsFor('amazon.getReport').length - polls >= 2);
  await worker.kill();
  await k.startWorker();

  const summary = (await handle.result()) as IngestSummary;
  expect(summary.recordsFetched).toBeGreaterThan(0);
  expect(zoo.amazon.submitCount(`dif ${window.from}..${window.to}`, window.from, window.to)).toBe(1);
});

/**
 * Killed mid-pagination with no heartbeat override: the heartbeat timeout is half the lease
 * (at most 120 s, core/heartbeat.ts), so the retry renews the permit before the lease runs out
 * and the run finishes. Before the heartbeat timeout followed the lease it was 120 s, and the
 * retry came after a 30 s lease had run out: PermitLost. 120 s is the longest heartbeat
 * timeout, and vendors/demo-ads ships that lease (given here per customer).
 */
test.each([
  ['the config’s own 30 s lease', LEASE_SECONDS, {}, '2024-01-02'],
  ['a 120 s lease, as vendors/demo-ads ships', 120, { semaphore: { leaseSeconds: 120 } }, '2024-01-03'],
] as const)('killed with %s and no heartbeat override: the retry renews the permit in time and the run finishes', async (_lease, leaseSeconds, overrides, day) => {
  zoo.configure({ orders: { records: 400 } });
  zoo.setLatency('generic.orders', 100);
  const customer = await seed('zoo-orders', {}, {}, zooUrl, overrides);
  const startedAt = Date.now();
  const seen = () => zoo.requestsFor('generic.orders').filter((r) => r.at >= startedAt);

  const first = await k.startWorker();
  const handle = await start('zoo-orders', 'orders', customer, { from: day, to: day }, {});
  await until(() => seen().length >= 4);
  await first.kill();
  const killedAt = Date.now();
  await k.startWorker();

  const summary = (await handle.result()) as IngestSummary;
  expect(summary.recordsFetched).toBe(400);
  expect(new Set(seen().map((r) => Number(r.query.page))).size).toBe(20);
  // Resumed within half the lease (the heartbeat timeout) and a retry interval, well before the lease ran out.
  const resumedAt = Math.min(...seen().filter((r) => r.at > killedAt).map((r) => r.at));
  expect(resumedAt - killedAt).toBeLessThan(leaseSeconds * 1000);
  zoo.setLatency('generic.orders', 0);
}, 240_000);

describe('killed after the vendor accepted the job, before its answer was read', () => {
  const jobs = new AsyncJobsVendor();
  let jobsUrl: string;
  beforeAll(async () => (jobsUrl = await jobs.start()));
  afterAll(() => jobs.stop());

  /** Starts a run whose submit the vendor accepts and never answers; kills its worker then, and starts another. */
  async function killedAfterSubmit(stream: string, window: DateWindow) {
    jobs.configure({ submit: ['hang'] });
    await k.killWorkers(); // an earlier test's worker would take the run, and the kill would miss it
    const customer = await seed('zoo-async-jobs', {}, {}, jobsUrl);
    const worker = await k.startWorker();
    const handle = await start('zoo-async-jobs', stream, customer, window);
    await until(() => jobs.created(`${stream} ${window.from}..${window.to}`) === 1);
    await worker.kill();
    await k.startWorker();
    return handle;
  }

  test('with an idempotency key: the retried submit sends the same key and gets the same job; every row, one job', async () => {
    const window = { from: '2024-06-01', to: '2024-06-02' };
    const handle = await killedAfterSubmit('keyed', window);
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.recordsFetched).toBe(asyncJobRows(window.from, window.to).length);
    expect(jobs.created(`keyed ${window.from}..${window.to}`)).toBe(1);
    // Two submits (the lost one and its retry) carried one key.
    const keys = jobs.jobs.filter((j) => j.name === `keyed ${window.from}..${window.to}`).map((j) => j.idempotencyKey);
    expect(keys).toEqual([expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)]);
  }, 120_000);

  test('with a find request: the retry finds the job by its client token; every row, one job', async () => {
    const window = { from: '2024-06-03', to: '2024-06-03' };
    const handle = await killedAfterSubmit('found', window);
    const summary = (await handle.result()) as IngestSummary;
    expect(summary.recordsFetched).toBe(asyncJobRows(window.from, window.to).length);
    expect(jobs.created(`found ${window.from}..${window.to}`)).toBe(1);
  }, 120_000);

  test('without a means: the run fails finally naming the possibly orphaned request, and submits no second job', async () => {
    const window = { from: '2024-06-04', to: '2024-06-04' };
    const handle = await killedAfterSubmit('plain', window);
    const chain = await failureChain(handle.result());
    expect(chain.at(-1)).toEqual({
      name: 'ApplicationFailure',
      type: 'VendorRequestError',
      message: expect.stringMatching(/no answer was stored .*Possibly orphaned request: POST http:\/\/127\.0\.0\.1:\d+\/reports at \d{4}-\d\d-\d\dT/),
    });
    expect(jobs.created(`plain ${window.from}..${window.to}`)).toBe(1);
  }, 120_000);
});
