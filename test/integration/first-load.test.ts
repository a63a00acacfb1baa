/**
 * A customer's first load into a Postgres table goes straight into the target
 * (adapters/warehouse/first-load.ts); every other load, and a first load the key refuses,
 * is the staged merge. Each test names the COPYs the loader ran (a stager that records
 * them), so the path taken is checked, not only the rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SqlWarehouse, type Stager } from '../../adapters/warehouse/sql-warehouse';
import { stdinStager } from '../../adapters/warehouse/postgres/stdin-stager';
import type { LoadAudit } from '../../adapters/warehouse/warehouse';
import type { TableConfig } from '../../core/config-schema';
import { stagedLoader } from '../setup/staged-loader';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_first_load';
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 3 });
const copies: string[] = [];
const recording: Stager = { ...stdinStager, copy: (client, sql, parts) => (copies.push(sql.split(' (')[0]), stdinStager.copy(client, sql, parts)) };
const loader = new SqlWarehouse({ kind: 'postgres', dialect: 'postgres', pool, schema: SCHEMA, stager: recording, endpoint: { name: 'postgres', address: 'test', fix: '' } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-first-load-'));
beforeEach(() => (copies.length = 0));
afterAll(async () => {
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

const HEADER = 'id,day,n,_dif_customer,_dif_run_id,_dif_extracted_at\n';
type Row = [id: string, day: string, n: number | string];
function partsOf(rows: Row[], customer: string, run: string) {
  const file = path.join(dir, `${uniqueName(run)}.csv`);
  fs.writeFileSync(file, HEADER + rows.map(([id, day, n]) => `${id},${day},${n},${customer},${run},2026-01-01T00:00:00Z\n`).join(''));
  return { file, parts: [{ open: async () => fs.createReadStream(file), gzip: false }] };
}
const auditOf = (run: string, customer: string): LoadAudit => ({ runId: run, vendor: 'v', customer, stream: 's', window: { from: '2024-03-01', to: '2024-03-02' }, rowsRejected: 0 });
function tableOf(load?: TableConfig['load']): TableConfig {
  return {
    name: `t_${uniqueName('first').replace(/-/g, '_')}`,
    primaryKey: ['id', 'day'],
    columns: [
      { name: 'id', type: 'string' },
      { name: 'day', type: 'date' },
      { name: 'n', type: 'integer' },
    ],
    ...(load ? { load } : {}),
  };
}
const target = (table: TableConfig) => `"${SCHEMA}"."${table.name}"`;
const staging = (table: TableConfig) => `COPY "dif_stage_${table.name}"`;
async function rowsOf(table: TableConfig): Promise<string[]> {
  const { rows } = await pool.query(`SELECT "_dif_customer" AS c, id, to_char(day, 'MM-DD') AS day, n::int AS n FROM ${target(table)} ORDER BY c, id, day`);
  return rows.map((r) => `${r.c}/${r.id}@${r.day}=${r.n}`);
}
async function auditRowOf(table: TableConfig, run: string) {
  const { rows } = await pool.query(`SELECT rows_staged::int AS staged, rows_inserted::int AS inserted, rows_replaced::int AS replaced FROM "${SCHEMA}".dif_load_audit WHERE run_id = $1 AND table_name = $2`, [run, table.name]);
  return rows[0];
}

test("a customer's first load is COPYed straight into the target, beside other customers' rows; its next load is the staged merge", async () => {
  const table = tableOf();
  await loader.load(table, partsOf([['a', '2024-03-01', 1]], 'c0', 'r0').parts, auditOf('r0', 'c0'));
  copies.length = 0;
  const first = await loader.load(table, partsOf([['a', '2024-03-01', 1], ['b', '2024-03-01', 2]], 'c1', 'r1').parts, auditOf('r1', 'c1'));
  expect(copies).toEqual([`COPY ${target(table)}`]);
  expect(first).toEqual({ rowsStaged: 2, rowsInserted: 2, rowsReplaced: 0, rowsRemoved: 0 });
  expect(await auditRowOf(table, 'r1')).toEqual({ staged: 2, inserted: 2, replaced: 0 });

  copies.length = 0;
  const next = await loader.load(table, partsOf([['b', '2024-03-01', 3], ['c', '2024-03-02', 4]], 'c1', 'r2').parts, auditOf('r2', 'c1'));
  expect(copies).toEqual([staging(table)]);
  expect(next).toEqual({ rowsStaged: 2, rowsInserted: 1, rowsReplaced: 1, rowsRemoved: 0 });
  expect(await rowsOf(table)).toEqual(['c0/a@03-01=1', 'c1/a@03-01=1', 'c1/b@03-01=3', 'c1/c@03-02=4']);
});

test('a first load carrying one key twice rolls back to its savepoint and merges staged: the last copy wins, nothing doubled', async () => {
  const table = tableOf();
  const result = await loader.load(table, partsOf([['a', '2024-03-01', 1], ['b', '2024-03-01', 5], ['a', '2024-03-01', 2]], 'c1', 'r1').parts, auditOf('r1', 'c1'));
  expect(copies).toEqual([`COPY ${target(table)}`, staging(table)]);
  expect(result).toEqual({ rowsStaged: 3, rowsInserted: 2, rowsReplaced: 0, rowsRemoved: 0 });
  expect(await rowsOf(table)).toEqual(['c1/a@03-01=2', 'c1/b@03-01=5']);
  expect(await auditRowOf(table, 'r1')).toEqual({ staged: 3, inserted: 2, replaced: 0 });
});

test('a table that does not enforce the key (made without it) is always merged staged, so a key is never written twice', async () => {
  const table = tableOf();
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${SCHEMA}"`);
  await pool.query(
    `CREATE TABLE ${target(table)} (id text, day date, n bigint, "_dif_customer" text NOT NULL, "_dif_run_id" text NOT NULL, "_dif_extracted_at" timestamptz NOT NULL, "_dif_loaded_at" timestamptz NOT NULL DEFAULT now())`,
  );
  await loader.load(table, partsOf([['a', '2024-03-01', 1], ['a', '2024-03-01', 2]], 'c1', 'r1').parts, auditOf('r1', 'c1'));
  expect(copies).toEqual([staging(table)]);
  expect(await rowsOf(table)).toEqual(['c1/a@03-01=2']);
});

test('loads whose result is not a plain merge never take the first-load path: soft deletes, data checks, append, replaceWindow', async () => {
  const loads: TableConfig['load'][] = [
    { mode: 'merge', softDelete: 'n' },
    { mode: 'merge', checks: [{ kind: 'rowCount', minRatio: 0.5, on: 'warn' }] },
    { mode: 'append' },
    { mode: 'replaceWindow', windowColumn: 'day' },
  ];
  for (const [i, load] of loads.entries()) {
    const table = tableOf(load);
    if (load?.softDelete) table.columns[2] = { name: 'n', type: 'boolean' };
    copies.length = 0;
    await loader.load(table, partsOf([['a', '2024-03-01', load?.softDelete ? 'false' : 1]], 'c1', `r${i}`).parts, auditOf(`r${i}`, 'c1'));
    expect({ load, copies }).toEqual({ load, copies: [staging(table)] });
  }
});

test('a first load that fails otherwise (a bad value) fails whole: nothing written, no audit row, the staged merge not tried', async () => {
  const table = tableOf();
  await expect(loader.load(table, partsOf([['a', '2024-03-01', 1], ['b', '2024-03-01', 'not a number']], 'c1', 'r1').parts, auditOf('r1', 'c1'))).rejects.toThrow(
    /^load into dif_test_first_load\.t_first_\w+ failed, nothing was changed: invalid input syntax for type bigint: "not a number"/,
  );
  expect(copies).toEqual([`COPY ${target(table)}`]);
  expect(await rowsOf(table)).toEqual([]);
  expect(await auditRowOf(table, 'r1')).toBeUndefined();
});

test('a loader killed after its first-load COPY, before the commit, changes nothing; the next load lands each row once', async () => {
  const table = tableOf();
  await loader.ensureTable(table);
  const { file, parts } = partsOf([['a', '2024-03-01', 1], ['b', '2024-03-02', 2]], 'c1', 'r1');
  const loading = await stagedLoader(SCHEMA, table, file, auditOf('r1', 'c1'));
  expect(await rowsOf(table)).toEqual([]);
  expect(await loading.kill()).toBe('SIGKILL');
  expect(await rowsOf(table)).toEqual([]);
  copies.length = 0;
  expect(await loader.load(table, parts, auditOf('r1', 'c1'))).toEqual({ rowsStaged: 2, rowsInserted: 2, rowsReplaced: 0, rowsRemoved: 0 });
  expect(copies).toEqual([`COPY ${target(table)}`]);
  expect(await rowsOf(table)).toEqual(['c1/a@03-01=1', 'c1/b@03-02=2']);
});
