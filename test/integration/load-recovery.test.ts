/**
 * A load that dies after its COPY and before its commit, inside a real run: the activity
 * fails with the rows copied, Temporal retries it, and the table ends with each row once,
 * exactly as a clean run leaves it. The audit table has one row per run. Both ways a load
 * copies: a customer's first load straight into the target (adapters/warehouse/first-load.ts),
 * and the staged merge of every later one.
 */
import type pg from 'pg';
import type { SqlWarehouse } from '../../adapters/warehouse/sql-warehouse';
import { runIngestion } from '../../cli/run/run';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('load-recovery');
});
afterAll(async () => {
  await h?.shutdown();
});

const TARGET = 'dif_test.demo_ads_campaign_daily';

/** What the dying load's own transaction saw: its staging table's rows (none on the first-load path) and the customer's rows in the target. */
type AtCrash = { staged: number | null; inTarget: number };

/** One run of `customer` whose first load attempt dies right after its COPY; what that attempt saw. */
async function runDyingOnce(customer: string, runs: number): Promise<AtCrash[]> {
  const loader = h.runtime.deps.warehouse as SqlWarehouse;
  let crashes = 0;
  // Counted here and checked after the run: an expect() inside the hook would throw inside
  // the activity, where Temporal retries the failure away and the test could never fail.
  const atCrash: AtCrash[] = [];
  loader.afterStage = async (client: pg.PoolClient) => {
    if (crashes++ > 0) return;
    const staging = await client.query(`SELECT to_regclass('pg_temp.dif_stage_demo_ads_campaign_daily') IS NOT NULL AS present`);
    const staged = staging.rows[0].present ? (await client.query(`SELECT count(*)::int AS n FROM pg_temp.dif_stage_demo_ads_campaign_daily`)).rows[0].n : null;
    const inTarget = await client.query(`SELECT count(*)::int AS n FROM ${TARGET} WHERE _dif_customer = $1`, [customer]);
    atCrash.push({ staged, inTarget: inTarget.rows[0].n });
    throw new Error('worker died between COPY and commit');
  };
  try {
    const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
      vendor: 'demo-ads',
      customer,
      window: { from: '2026-07-01', to: '2026-07-07' },
      options: { semaphoreRetryMs: 100, maxAttempts: 4 },
    });
    expect(outcome.status).toBe('COMPLETED');
    expect(crashes).toBe(2);
    expect(outcome.rowsLoaded).toBe(35);
  } finally {
    loader.afterStage = undefined;
  }
  const { rows } = await h.runtime.postgres.query(`SELECT count(*)::int AS n, count(DISTINCT (campaign_id, date))::int AS keys FROM ${TARGET} WHERE _dif_customer = $1`, [customer]);
  expect(rows[0]).toEqual({ n: 35, keys: 35 });
  const audit = await h.runtime.postgres.query(`SELECT count(*)::int AS n FROM dif_test.dif_load_audit WHERE customer = $1`, [customer]);
  expect(audit.rows[0].n).toBe(runs);
  return atCrash;
}

test('a crash after the COPY, on the first load and on a later staged merge, is retried into a complete load, nothing lost or doubled', async () => {
  const customer = uniqueName('crash');
  await h.seedCustomer(customer);
  // The customer's first load: its rows were in the target, inside the transaction that died.
  expect(await runDyingOnce(customer, 1)).toEqual([{ staged: null, inTarget: 35 }]);
  // The same window again: staged, and the 35 rows of the first run still the only ones in the target.
  expect(await runDyingOnce(customer, 2)).toEqual([{ staged: 35, inTarget: 35 }]);
  const audit = await h.runtime.postgres.query(`SELECT rows_staged::int, rows_inserted::int, rows_replaced::int, files FROM dif_test.dif_load_audit WHERE customer = $1 ORDER BY loaded_at`, [customer]);
  expect(audit.rows).toEqual([
    { rows_staged: 35, rows_inserted: 35, rows_replaced: 0, files: 1 },
    { rows_staged: 35, rows_inserted: 0, rows_replaced: 35, files: 1 },
  ]);
});
