/**
 * A worker killed with SIGKILL in the middle of a load, in every load mode (merge,
 * replaceWindow, append, merge with soft deletes): the load's writes are done but not
 * committed, so the server rolls them back, the retry on the next worker loads the window
 * again, and each table ends with exactly the rows of the last extraction, each once.
 *
 * How the kill lands mid-load without a hook in DIF: the test holds an exclusive lock on the
 * audit table, which each load writes last, after its deletes and inserts; once every load's
 * session waits there, the worker dies. The four runs go at once, so their table locks'
 * leases (which the dead attempts still hold) run out together.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ingestWorkflowId, type DateWindow } from '../../core/run-plan';
import type { IngestSummary } from '../../core/contracts';
import type { LoadConfig } from '../../core/load-modes';
import { orderRecord } from '../mock-vendor/vendor-zoo';
import { startKilledWorkerHarness, type KilledWorkerHarness } from '../setup/killed-worker-harness';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_killed_load';
const WINDOW: DateWindow = { from: '2024-01-01', to: '2024-01-03' };
let k: KilledWorkerHarness;
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 3 });

beforeAll(async () => {
  k = await startKilledWorkerHarness('killed-load', {}, { warehouseSchema: SCHEMA });
});
afterAll(async () => {
  await k?.stop();
  await pool.end();
});

interface Case {
  mode: string;
  load: LoadConfig;
  /** Which run wrote each row at the end: 1 the first (40 orders), 2 the killed one (60), retried. */
  writers: (index: number) => 1 | 2;
}

/**
 * The vendor lists 40 orders, then 60 (one an hour from 2024-01-01 01:00, all in the window;
 * test/mock-vendor/zoo/generic.ts), so every mode writes in the killed run: merge and
 * replaceWindow rewrite all 60, append adds only the 20 new keys. (Rows a restated window
 * no longer holds disappearing: load-modes.test.ts.)
 */
const CASES: Case[] = [
  { mode: 'merge', load: { mode: 'merge' }, writers: () => 2 },
  { mode: 'replaceWindow', load: { mode: 'replaceWindow', windowColumn: 'created_at' }, writers: () => 2 },
  { mode: 'append', load: { mode: 'append' }, writers: (i) => (i < 40 ? 1 : 2) },
  { mode: 'softDelete', load: { mode: 'merge', softDelete: 'archived' }, writers: () => 2 },
];

/** A copy of zoo-orders per case, loading into its own table in the case's mode. */
function writeVendor(c: Case): { vendor: string; table: string } {
  const vendor = `zoo-killed-load-${c.mode.toLowerCase()}`;
  const table = `${uniqueName(`killed_${c.mode.toLowerCase()}`).replace(/-/g, '_')}`;
  const source = path.join(k.h.settings.vendorsDir, 'zoo-orders', 'config.json');
  const config = JSON.parse(fs.readFileSync(source, 'utf8'));
  config.vendor = vendor;
  // A 30 s lease: a 15 s heartbeat timeout, so the killed load is retried soon.
  config.semaphore.leaseSeconds = 30;
  config.streams.orders.table = {
    name: table,
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'integer', nullable: false },
      { name: 'amount', type: 'decimal' },
      { name: 'created_at', type: 'timestamp' },
      { name: 'archived', type: 'boolean', source: "record.status == 'refunded'" },
    ],
    load: c.load,
  };
  fs.mkdirSync(path.join(k.h.settings.vendorsDir, vendor), { recursive: true });
  fs.writeFileSync(path.join(k.h.settings.vendorsDir, vendor, 'config.json'), JSON.stringify(config));
  return { vendor, table };
}

/** Starts one run per target; their results, once all are started. */
async function runAll(targets: { vendor: string; customer: string }[]): Promise<Array<Promise<IngestSummary>>> {
  const handles = await Promise.all(
    targets.map(({ vendor, customer }) =>
      k.h.client.workflow.start('ingest', {
        taskQueue: k.h.settings.taskQueue,
        workflowId: `${ingestWorkflowId({ vendor, customer, stream: 'orders', window: WINDOW })}-${uniqueName('r')}`,
        args: [{ vendor, customer, stream: 'orders', window: WINDOW, options: { semaphoreRetryMs: 100, maxAttempts: 5 } }],
      }),
    ),
  );
  return handles.map((h) => h.result() as Promise<IngestSummary>);
}

async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('killed mid-load in each load mode: the table holds the last extraction, each row once, nothing lost', async () => {
  const targets = await Promise.all(
    CASES.map(async (c) => {
      const { vendor, table } = writeVendor(c);
      const customer = uniqueName('killed-load');
      await k.h.runtime.deps.customers.upsertCustomer(customer, customer);
      await k.h.runtime.deps.customers.upsertCustomerVendor(customer, vendor, {}, { baseUrl: k.zooUrl });
      return { ...c, vendor, table, customer };
    }),
  );
  const rowsOf = async (c: (typeof targets)[number]) => {
    const deleted = c.load.softDelete ? ', "_dif_deleted" AS deleted' : '';
    const { rows } = await pool.query(`SELECT id::int AS id, "_dif_run_id" AS run${deleted} FROM ${SCHEMA}."${c.table}" ORDER BY id`);
    return rows as Array<{ id: number; run: string; deleted?: boolean }>;
  };

  // First run: every mode loads the first extraction.
  await k.startWorker();
  k.zoo.configure({ orders: { records: 40 } });
  const first = await Promise.all(await runAll(targets));
  expect(first.map((s) => s.recordsFetched)).toEqual(targets.map(() => 40));
  const firstRows = Object.fromEntries(await Promise.all(targets.map(async (c) => [c.mode, await rowsOf(c)] as const)));

  // Second run, killed mid-load: the vendor now lists 60 orders.
  const audit = await pool.connect();
  await audit.query('BEGIN');
  await audit.query(`LOCK TABLE ${SCHEMA}.dif_load_audit IN ACCESS EXCLUSIVE MODE`);
  k.zoo.configure({ orders: { records: 60 } });
  const second = runAll(targets);
  const waiting = async () => {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [`DELETE FROM "${SCHEMA}"."dif_load_audit"%`],
    );
    return rows[0].n === targets.length;
  };
  try {
    await until(waiting);
    // Every load has deleted and inserted, uncommitted: other sessions still see the first run's rows.
    for (const c of targets) expect(await rowsOf(c)).toEqual(firstRows[c.mode]);
    await k.killWorkers();
  } finally {
    await audit.query('COMMIT');
    audit.release();
  }
  for (const c of targets) expect(await rowsOf(c)).toEqual(firstRows[c.mode]);
  await k.startWorker();
  const summaries = await Promise.all(await second);
  expect(summaries.map((s) => s.recordsFetched)).toEqual(targets.map(() => 60));

  for (const c of targets) {
    const rows = await rowsOf(c);
    // Each of the 60 orders once: nothing lost, nothing duplicated.
    expect({ mode: c.mode, ids: rows.map((r) => r.id) }).toEqual({ mode: c.mode, ids: Array.from({ length: 60 }, (_, i) => orderRecord(i).id) });
    const firstRun = firstRows[c.mode][0].run;
    expect({ mode: c.mode, writers: rows.map((r) => (r.run === firstRun ? 1 : 2)) }).toEqual({ mode: c.mode, writers: rows.map((_, i) => c.writers(i)) });
    if (c.mode === 'softDelete') {
      // Marked from the vendor's field, as the retried load wrote it.
      expect(rows.map((r) => r.deleted)).toEqual(rows.map((r) => orderRecord(r.id - 50_001).status === 'refunded'));
      expect(rows.some((r) => r.deleted)).toBe(true);
    }
  }
}, 300_000); // two rounds of four runs, and the dead loads' 60 s table-lock leases
