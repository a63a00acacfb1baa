/**
 * A load that dies between COPY and merge, inside a real run: the activity fails after the
 * rows are staged, Temporal retries it, and the table ends with each row once, exactly as
 * a clean run leaves it. The audit table has one row for the run.
 */
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

test('a crash between COPY and merge is retried into a complete load, nothing lost or doubled', async () => {
  const customer = uniqueName('crash');
  await h.seedCustomer(customer);
  const loader = h.runtime.deps.warehouse as SqlWarehouse;
  let crashes = 0;
  // Counted here and checked after the run: an expect() inside the hook would throw inside
  // the activity, where Temporal retries the failure away and the test could never fail.
  const atCrash: { staged: number; merged: number }[] = [];
  loader.afterStage = async (client) => {
    if (crashes++ > 0) return;
    const staged = await client.query(`SELECT count(*)::int AS n FROM "dif_stage_demo_ads_campaign_daily"`);
    const merged = await client.query(`SELECT count(*)::int AS n FROM dif_test.demo_ads_campaign_daily WHERE _dif_customer = $1`, [customer]);
    atCrash.push({ staged: staged.rows[0].n, merged: merged.rows[0].n });
    throw new Error('worker died between COPY and merge');
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
    expect(atCrash).toEqual([{ staged: 35, merged: 0 }]); // it died with every row staged and none merged
    expect(outcome.rowsLoaded).toBe(35);
  } finally {
    loader.afterStage = undefined;
  }
  const { rows } = await h.runtime.postgres.query(
    `SELECT count(*)::int AS n, count(DISTINCT (campaign_id, date))::int AS keys FROM dif_test.demo_ads_campaign_daily WHERE _dif_customer = $1`,
    [customer],
  );
  expect(rows[0]).toEqual({ n: 35, keys: 35 });
  const audit = await h.runtime.postgres.query(`SELECT rows_staged::int, rows_inserted::int, files FROM dif_test.dif_load_audit WHERE customer = $1`, [customer]);
  expect(audit.rows).toEqual([{ rows_staged: 35, rows_inserted: 35, files: 1 }]);
});
