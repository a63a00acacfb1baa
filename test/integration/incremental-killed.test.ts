/**
 * A worker killed with SIGKILL during an incremental run leaves the stored cursor at a value
 * whose rows are all loaded: the cursor is written only after the load committed, so a worker
 * dying before the load leaves the old cursor and no new rows, and one dying after the load
 * but before the cursor is stored leaves the old cursor with the rows loaded (the next run
 * reads them again and the merge by key replaces them). The run then finishes on another
 * worker and stores the greatest cursor of what it loaded.
 */
import type mysql from 'mysql2/promise';
import { ingestWorkflowId } from '../../core/run-plan';
import type { IngestSummary } from '../../core/contracts';
import { orderRecord, type VendorZoo } from '../mock-vendor/vendor-zoo';
import type { Harness } from '../setup/harness';
import { startKilledWorkerHarness, type KilledWorkerHarness } from '../setup/killed-worker-harness';
import { uniqueName } from '../setup/test-settings';

let k: KilledWorkerHarness;
let h: Harness;
let zoo: VendorZoo;
let zooUrl: string;
const WINDOW = { from: '2024-01-01', to: '2024-01-01' };

beforeAll(async () => {
  // zoo-orders made incremental on its orders' created_at, its request reading state.since.
  k = await startKilledWorkerHarness('inc-killed', {
    'zoo-orders': (config) => {
      const orders = config.streams.orders;
      orders.steps[0].request.query = { since: '${state.since}' };
      orders.table.columns.push({ name: 'created_at', type: 'timestamp' });
      orders.incremental = { cursor: 'created_at' };
    },
  });
  ({ h, zoo, zooUrl } = k);
});
afterAll(() => k?.stop());

async function seed(): Promise<string> {
  const customer = uniqueName('inckill');
  await h.runtime.deps.customers.upsertCustomer(customer, customer);
  await h.runtime.deps.customers.upsertCustomerVendor(customer, 'zoo-orders', {}, { baseUrl: zooUrl });
  return customer;
}

const scopeOf = (customer: string) => ({ customer, vendor: 'zoo-orders', stream: 'orders', partition: '' });
const stored = (customer: string) => h.runtime.deps.streamState.get(scopeOf(customer));
/** The loaded rows' created_at, oldest first (none before the first load creates the table). */
async function loaded(customer: string): Promise<string[]> {
  // Other files load zoo_orders without created_at: until this stream's first load adds it, it has no rows of ours.
  const { rows: column } = await h.runtime.postgres.query(
    "SELECT 1 FROM information_schema.columns WHERE table_schema = 'dif_test' AND table_name = 'zoo_orders' AND column_name = 'created_at'",
  );
  if (!column.length) return [];
  const { rows } = await h.runtime.postgres.query('SELECT created_at FROM dif_test.zoo_orders WHERE _dif_customer = $1 ORDER BY created_at', [customer]);
  return rows.map((r) => (r.created_at as Date).toISOString());
}

function start(customer: string) {
  return h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor: 'zoo-orders', customer, stream: 'orders', window: WINDOW }),
    workflowTaskTimeout: 2000,
    args: [{ vendor: 'zoo-orders', customer, stream: 'orders', window: WINDOW, options: { semaphoreRetryMs: 100, heartbeatTimeoutMs: 2000, maxAttempts: 30 } }],
  });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('killed during the fetch: no row and no cursor yet; the run ends with the cursor of its last row', async () => {
  zoo.configure({ orders: { records: 200 } }); // 10 pages of 20
  zoo.setLatency('generic.orders', 100);
  const customer = await seed();
  const startedAt = Date.now();
  const seen = () => zoo.requestsFor('generic.orders').filter((r) => r.at >= startedAt);
  const first = await k.startWorker();
  const handle = await start(customer);
  await until(() => seen().length >= 4);
  await first.kill();
  expect(seen()[0].query.since).toBe('2024-01-01T00:00:00.000Z'); // no cursor stored: the window's start
  expect(await stored(customer)).toBeUndefined();
  expect(await loaded(customer)).toEqual([]);

  await k.startWorker();
  const summary = (await handle.result()) as IngestSummary;
  zoo.setLatency('generic.orders', 0);
  const last = orderRecord(199).created_at;
  expect(summary.cursor).toBe(last);
  expect(await stored(customer)).toBe(last);
  const rows = await loaded(customer);
  expect(rows).toHaveLength(200);
  expect(rows.at(-1)).toBe(last);
});

test('killed after the load committed, before the cursor is stored: the old cursor stays, whose rows are all loaded', async () => {
  zoo.configure({ orders: { records: 60 } });
  const customer = await seed();
  const before = orderRecord(9).created_at; // as if an earlier run had loaded the first 10 orders
  await h.runtime.deps.streamState.put(scopeOf(customer), before, 'test');
  // The test holds the cursor's row: the worker's storeCursor waits on it, after the load committed.
  const lock: mysql.PoolConnection = await h.runtime.mysql.getConnection();
  await lock.beginTransaction();
  await lock.query('SELECT cursor_value FROM stream_state WHERE customer_id = ? AND vendor = ? AND stream = ? AND partition_id = ? FOR UPDATE', [customer, 'zoo-orders', 'orders', '']);
  try {
    const worker = await k.startWorker();
    const startedAt = Date.now();
    const handle = await start(customer);
    const pending = async () => ((await handle.describe()).raw.pendingActivities ?? []).map((a) => a.activityType?.name);
    await until(async () => (await pending()).includes('storeCursor'));
    await worker.kill();

    const sent = zoo.requestsFor('generic.orders').filter((r) => r.at >= startedAt);
    expect(sent[0].query.since).toBe(before); // from the stored cursor (no lookback)
    const rows = await loaded(customer);
    expect(rows).toHaveLength(60); // the load committed
    expect(await stored(customer)).toBe(before); // read around the lock: still the old value
    // Every row up to the stored cursor is in the warehouse.
    const upTo = Array.from({ length: 60 }, (_, i) => orderRecord(i).created_at).filter((c) => c <= before);
    expect(upTo.every((c) => rows.includes(c))).toBe(true);
  } finally {
    await lock.rollback();
    lock.release();
  }
  await k.startWorker();
  const handle = h.client.workflow.getHandle(ingestWorkflowId({ vendor: 'zoo-orders', customer, stream: 'orders', window: WINDOW }));
  const summary = (await handle.result()) as IngestSummary;
  expect(summary.cursor).toBe(orderRecord(59).created_at);
  expect(await stored(customer)).toBe(orderRecord(59).created_at);
  expect(await loaded(customer)).toHaveLength(60);
});
