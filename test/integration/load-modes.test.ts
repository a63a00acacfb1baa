/**
 * Load modes against the real Postgres loader: `replaceWindow` leaves exactly the restated
 * rows of the window (of that customer and partition; rows outside it untouched), `append`
 * never updates a row, and for each a loader process killed (SIGKILL) between COPY and the
 * write loses nothing and duplicates nothing: the next load lands each row once.
 * (`merge` under a kill: load-crash.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import type { LoadAudit } from '../../adapters/warehouse/warehouse';
import type { TableConfig } from '../../core/config-schema';
import { stagedLoader } from '../setup/staged-loader';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_load_modes';
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 3 });
const loader = postgresWarehouseOn(pool, SCHEMA);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-load-modes-'));
afterAll(async () => {
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'id,account,day,n,_dif_customer,_dif_run_id,_dif_extracted_at\n';
/** id, account, day, n, customer: one CSV row as toCsv writes it. */
type Row = [string, string, string, number, string?];
function csvOf(rows: Row[], run: string): string {
  const file = path.join(dir, `${uniqueName(run)}.csv`);
  fs.writeFileSync(file, HEADER + rows.map(([id, account, day, n, customer]) => `${id},${account},${day},${n},${customer ?? 'c1'},${run},2026-01-0${run.slice(-1)}T00:00:00Z\n`).join(''));
  return file;
}
const parts = (file: string) => [{ open: async () => fs.createReadStream(file), gzip: false }];
const auditOf = (run: string, partition?: string, customer = 'c1'): LoadAudit => ({
  runId: run, vendor: 'v', customer, stream: 's', window: { from: '2024-03-01', to: '2024-03-02' }, rowsRejected: 0, ...(partition ? { partition } : {}),
});

function tableOf(load: TableConfig['load'], partitioned = false): TableConfig {
  return {
    name: `t_${uniqueName('mode').replace(/-/g, '_')}`,
    primaryKey: partitioned ? ['account', 'id', 'day'] : ['id', 'day'],
    columns: [
      { name: 'id', type: 'string' },
      partitioned ? { name: 'account', type: 'string', metadata: 'partition' } : { name: 'account', type: 'string' },
      { name: 'day', type: 'date' },
      { name: 'n', type: 'integer' },
    ],
    load,
  };
}

async function rowsOf(table: TableConfig): Promise<string[]> {
  const { rows } = await pool.query(`SELECT id, account, to_char(day, 'MM-DD') AS day, n::int AS n, "_dif_customer" AS c FROM ${SCHEMA}."${table.name}" ORDER BY c, account, id, day`);
  return rows.map((r) => `${r.c}/${r.account}/${r.id}@${r.day}=${r.n}`);
}

/** Starts a loader process on `file`, kills it once its rows are staged, and checks nothing changed meanwhile. */
async function killedMidLoad(table: TableConfig, file: string, audit: LoadAudit): Promise<void> {
  const before = await rowsOf(table);
  const loading = await stagedLoader(SCHEMA, table, file, audit);
  expect(await rowsOf(table)).toEqual(before);
  expect(await loading.kill()).toBe('SIGKILL');
  expect(await rowsOf(table)).toEqual(before);
}

test('replaceWindow: a restated window leaves exactly its new rows; other days and customers are untouched; a kill mid-load changes nothing', async () => {
  const table = tableOf({ mode: 'replaceWindow', windowColumn: 'day' });
  await loader.load(table, parts(csvOf([['a', 'x', '2024-03-01', 1], ['b', 'x', '2024-03-02', 1], ['z', 'x', '2024-03-05', 1]], 'r1')), auditOf('r1'));
  await loader.load(table, parts(csvOf([['a', 'x', '2024-03-01', 1, 'c2']], 'r1')), auditOf('r1c2', undefined, 'c2'));
  // The vendor restated the window: a changed, b gone.
  const restated = csvOf([['a', 'x', '2024-03-01', 2]], 'r2');
  await killedMidLoad(table, restated, auditOf('r2'));
  const result = await loader.load(table, parts(restated), auditOf('r2'));
  // a@03-01 replaced (its key staged again); the window's other row removed; no new key.
  expect(result).toEqual({ rowsStaged: 1, rowsInserted: 0, rowsReplaced: 1, rowsRemoved: 1 });
  const after = ['c1/x/a@03-01=2', 'c1/x/z@03-05=1', 'c2/x/a@03-01=1'];
  expect(await rowsOf(table)).toEqual(after);
  // The same restatement again: the same table.
  await loader.load(table, parts(restated), auditOf('r2'));
  expect(await rowsOf(table)).toEqual(after);
});

test('replaceWindow of a partitioned table replaces only the run\'s partition', async () => {
  const table = tableOf({ mode: 'replaceWindow', windowColumn: 'day' }, true);
  await loader.load(table, parts(csvOf([['a', 'p1', '2024-03-01', 1], ['b', 'p1', '2024-03-02', 1]], 'r1')), auditOf('r1', 'p1'));
  await loader.load(table, parts(csvOf([['a', 'p2', '2024-03-01', 1]], 'r1')), auditOf('r1p2', 'p2'));
  await loader.load(table, parts(csvOf([['b', 'p1', '2024-03-02', 3]], 'r2')), auditOf('r2', 'p1'));
  expect(await rowsOf(table)).toEqual(['c1/p1/b@03-02=3', 'c1/p2/a@03-01=1']);
  await expect(loader.load(table, parts(csvOf([['b', 'p1', '2024-03-02', 3]], 'r3')), auditOf('r3'))).rejects.toThrow(
    /nothing was changed: table t_mode_\w+: a partitioned table's window is replaced one partition at a time/,
  );
});

test('append: rows whose key is there are never updated, new keys are inserted once, a kill mid-load changes nothing', async () => {
  const table = tableOf({ mode: 'append' });
  await loader.load(table, parts(csvOf([['a', 'x', '2024-03-01', 1], ['b', 'x', '2024-03-01', 1]], 'r1')), auditOf('r1'));
  const again = csvOf([['a', 'x', '2024-03-01', 2], ['c', 'x', '2024-03-01', 2], ['c', 'x', '2024-03-01', 2]], 'r2');
  await killedMidLoad(table, again, auditOf('r2'));
  const result = await loader.load(table, parts(again), auditOf('r2'));
  expect(result).toEqual({ rowsStaged: 3, rowsInserted: 1, rowsReplaced: 0, rowsRemoved: 0 });
  const after = ['c1/x/a@03-01=1', 'c1/x/b@03-01=1', 'c1/x/c@03-01=2'];
  expect(await rowsOf(table)).toEqual(after);
  await loader.load(table, parts(again), auditOf('r2'));
  expect(await rowsOf(table)).toEqual(after);
});

test('copies of one key in one load: the last copy in the data wins, every time; with dedupBy the greatest value wins in any order', async () => {
  // A record that moved across a page boundary while the vendor was paged: a fresh copy (n=2) and a stale one (n=1).
  const fresh: Row = ['a', 'fresh', '2024-03-01', 2];
  const stale: Row = ['a', 'stale', '2024-03-01', 1];
  for (const [order, lastWins] of [[[fresh, stale], 'c1/stale/a@03-01=1'], [[stale, fresh], 'c1/fresh/a@03-01=2']] as const) {
    for (let i = 0; i < 3; i++) {
      const table = tableOf({ mode: 'merge' });
      await loader.load(table, parts(csvOf([...order, ['b', 'x', '2024-03-01', 5]], 'r1')), auditOf('r1'));
      expect(await rowsOf(table)).toEqual([lastWins, 'c1/x/b@03-01=5']);
    }
    const byN = tableOf({ mode: 'merge', dedupBy: 'n' });
    await loader.load(byN, parts(csvOf([...order], 'r1')), auditOf('r1'));
    expect(await rowsOf(byN)).toEqual(['c1/fresh/a@03-01=2']);
  }
});
