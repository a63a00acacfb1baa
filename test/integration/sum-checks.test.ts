/**
 * `sum` data checks against the vendor's own totals (core/vendor-totals.ts): the zoo's orders
 * report `meta.amount_total` on every page; a paginated step reads it with `totals`, and the
 * load compares the staged rows' sum of `amount` with it. A mismatch fails the load (`fail`:
 * nothing loaded, a DataError naming both numbers) or is reported (`warn`: loaded, in the
 * summary's warnings).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startZooHarness, ZOO_VENDORS, type ZooHarness } from '../setup/zoo-harness';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_sum_checks';
const vendorsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-sum-checks-vendors-'));
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
let h: ZooHarness;
const tables: Record<string, string> = {};

/** zoo-orders, checking its amounts' sum against the vendor's total: `on` fail or warn. */
function writeVendor(on: 'fail' | 'warn'): string {
  const vendor = `zoo-sum-${on}`;
  const config = JSON.parse(fs.readFileSync(path.join(ZOO_VENDORS, 'zoo-orders', 'config.json'), 'utf8'));
  config.vendor = vendor;
  config.streams.orders.steps[0].totals = { amount: 'response.meta.amount_total' };
  tables[on] = uniqueName(`sum_${on}`).replace(/-/g, '_');
  config.streams.orders.table.name = tables[on];
  config.streams.orders.table.load = { mode: 'merge', checks: [{ kind: 'sum', column: 'amount', total: 'amount', tolerance: 0.005, on }] };
  fs.mkdirSync(path.join(vendorsDir, vendor));
  fs.writeFileSync(path.join(vendorsDir, vendor, 'config.json'), JSON.stringify(config));
  return vendor;
}

beforeAll(async () => {
  writeVendor('fail');
  writeVendor('warn');
  h = await startZooHarness('sum-checks', {}, { vendorsDir, warehouseSchema: SCHEMA });
});
afterAll(async () => {
  await h?.shutdown();
  await pool.end();
  fs.rmSync(vendorsDir, { recursive: true, force: true });
});

const rowsOf = async (on: 'fail' | 'warn', customer: string) =>
  Number((await pool.query(`SELECT count(*) AS n FROM ${SCHEMA}."${tables[on]}" WHERE "_dif_customer" = $1`, [customer]).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);

test('a sum that matches the vendor\'s total loads; one that does not fails the load, and nothing is loaded', async () => {
  h.zoo.configure({ orders: { totalOffset: 0 } });
  const good = await h.customerFor('zoo-sum-fail');
  const ok = await h.ingest('zoo-sum-fail', good);
  expect(ok.error).toBeUndefined();
  expect(await rowsOf('fail', good)).toBe(75);

  h.zoo.configure({ orders: { totalOffset: 12.5 } });
  const bad = await h.customerFor('zoo-sum-fail');
  const failed = await h.ingest('zoo-sum-fail', bad, undefined, { maxAttempts: 1 });
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toMatch(/sum of amount is (\d+\.\d+), the vendor's total amount is (\d+\.\d+) \(off by 12\.5\d*, tolerance 0\.005\); the load was rolled back/);
  expect(await rowsOf('fail', bad)).toBe(0);
}, 240_000); // three runs on a loaded machine

test('with on: warn, a mismatch is reported in the summary and the rows are loaded', async () => {
  h.zoo.configure({ orders: { totalOffset: -3 } });
  const customer = await h.customerFor('zoo-sum-warn');
  const outcome = await h.ingest('zoo-sum-warn', customer);
  expect(outcome.error).toBeUndefined();
  expect(outcome.summary?.warnings).toEqual([expect.stringMatching(/sum of amount is \d+\.\d+, the vendor's total amount is \d+\.\d+ \(off by 3(\.0+\d*)?, tolerance 0\.005\)/)]);
  expect(await rowsOf('warn', customer)).toBe(75);
}, 240_000);
