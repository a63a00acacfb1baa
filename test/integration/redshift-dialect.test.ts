/**
 * The Redshift warehouse's SQL, run against Postgres through the same executor
 * (adapters/warehouse/sql-warehouse.ts): everything but the S3 COPY, which this test
 * replaces by COPY FROM STDIN (the table-plan unit tests check the COPY's text, and
 * redshift-live.test.ts runs it when DIF_TEST_REDSHIFT_URL is set). Redshift's table types,
 * its staging table (LIKE … INCLUDING DEFAULTS, dropped when a pooled session kept it),
 * LOCK, the dedup without ctid, every load mode, its fencing (LOCK + UPDATE/INSERT, no ON
 * CONFLICT) and its schema evolution all execute here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SqlWarehouse } from '../../adapters/warehouse/sql-warehouse';
import { stdinStager } from '../../adapters/warehouse/postgres/stdin-stager';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import { StaleLockError } from '../../adapters/warehouse/fencing';
import type { LoadAudit } from '../../adapters/warehouse/warehouse';
import type { TableConfig } from '../../core/config-schema';
import { TableShapeError } from '../../core/errors';
import { DataCheckError } from '../../core/errors';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_redshift_dialect';
// One connection: every load reuses the session, as Redshift's pooled sessions keep their temporary tables.
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
const redshift = new SqlWarehouse({
  kind: 'redshift',
  dialect: 'redshift',
  pool,
  schema: SCHEMA,
  stager: stdinStager,
  endpoint: { name: 'redshift', address: 'postgres-stand-in', fix: '' },
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-redshift-dialect-'));
// Redshift's column defaults use its getdate() (now() is leader-node only there); Postgres has none, so the stand-in gets one.
beforeAll(async () => {
  await pool.query(`CREATE OR REPLACE FUNCTION public.getdate() RETURNS timestamptz AS 'SELECT now()' LANGUAGE sql`);
});
afterAll(async () => {
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Row = [id: string, day: string, n: number, updated?: string];
function parts(rows: Row[], run: string, customer = 'c1') {
  const file = path.join(dir, `${uniqueName(run)}.csv`);
  fs.writeFileSync(
    file,
    'id,day,n,updated,_dif_customer,_dif_run_id,_dif_extracted_at\n' +
      rows.map(([id, day, n, updated]) => `${id},${day},${n},${updated ?? ''},${customer},${run},2026-01-0${run.slice(-1)}T00:00:00Z\n`).join(''),
  );
  return [{ open: async () => fs.createReadStream(file), gzip: false }];
}
const audit = (run: string): LoadAudit => ({ runId: run, vendor: 'v', customer: 'c1', stream: 's', window: { from: '2024-03-01', to: '2024-03-02' }, rowsRejected: 0 });

function tableOf(load?: TableConfig['load']): TableConfig {
  return {
    name: `t_${uniqueName('rs').replace(/-/g, '_')}`,
    primaryKey: ['id', 'day'],
    columns: [
      { name: 'id', type: 'string' },
      { name: 'day', type: 'date' },
      { name: 'n', type: 'integer' },
      { name: 'updated', type: 'timestamp' },
    ],
    ...(load ? { load } : {}),
  };
}

async function rowsOf(table: TableConfig): Promise<string[]> {
  const { rows } = await pool.query(`SELECT id, to_char(day, 'MM-DD') AS day, n::int AS n FROM ${SCHEMA}."${table.name}" ORDER BY id, day`);
  return rows.map((r) => `${r.id}@${r.day}=${r.n}`);
}

test('the table is created with Redshift types, and merge keeps one row per key, the greatest dedupBy winning without ctid', async () => {
  const table = tableOf({ mode: 'merge', dedupBy: 'updated' });
  const first = await redshift.load(table, parts([['a', '2024-03-01', 1], ['b', '2024-03-01', 1]], 'r1'), audit('r1'));
  expect(first).toEqual({ rowsStaged: 2, rowsInserted: 2, rowsReplaced: 0, rowsRemoved: 0 });
  const { rows: types } = await pool.query(
    `SELECT column_name, data_type, character_maximum_length AS len FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name IN ('id', 'n') ORDER BY column_name`,
    [SCHEMA, table.name],
  );
  expect(types).toEqual([{ column_name: 'id', data_type: 'character varying', len: 65535 }, { column_name: 'n', data_type: 'bigint', len: null }]);
  // Two copies of a in one load: the later `updated` wins whatever the order in the file.
  const second = await redshift.load(
    table,
    parts([['a', '2024-03-01', 9, '2024-03-02T00:00:00Z'], ['a', '2024-03-01', 5, '2024-03-01T00:00:00Z'], ['c', '2024-03-01', 1]], 'r2'),
    audit('r2'),
  );
  expect(second).toEqual({ rowsStaged: 3, rowsInserted: 1, rowsReplaced: 1, rowsRemoved: 0 });
  expect(await rowsOf(table)).toEqual(['a@03-01=9', 'b@03-01=1', 'c@03-01=1']);
  const { rows: audited } = await pool.query(`SELECT run_id, rows_inserted::int, rows_replaced::int FROM ${SCHEMA}.dif_load_audit WHERE table_name = $1 ORDER BY run_id`, [table.name]);
  expect(audited).toEqual([{ run_id: 'r1', rows_inserted: 2, rows_replaced: 0 }, { run_id: 'r2', rows_inserted: 1, rows_replaced: 1 }]);
});

test('replaceWindow leaves exactly the restated rows of the window; append never updates', async () => {
  const window = tableOf({ mode: 'replaceWindow', windowColumn: 'day' });
  await redshift.load(window, parts([['a', '2024-03-01', 1], ['b', '2024-03-02', 1], ['z', '2024-03-05', 1]], 'r1'), audit('r1'));
  const restated = await redshift.load(window, parts([['a', '2024-03-01', 2]], 'r2'), audit('r2'));
  expect(restated).toEqual({ rowsStaged: 1, rowsInserted: 0, rowsReplaced: 1, rowsRemoved: 1 });
  expect(await rowsOf(window)).toEqual(['a@03-01=2', 'z@03-05=1']);

  const events = tableOf({ mode: 'append' });
  await redshift.load(events, parts([['a', '2024-03-01', 1]], 'r1'), audit('r1'));
  const appended = await redshift.load(events, parts([['a', '2024-03-01', 7], ['b', '2024-03-01', 1]], 'r2'), audit('r2'));
  expect(appended).toEqual({ rowsStaged: 2, rowsInserted: 1, rowsReplaced: 0, rowsRemoved: 0 });
  expect(await rowsOf(events)).toEqual(['a@03-01=1', 'b@03-01=1']);
});

test("Redshift's fencing (no ON CONFLICT): a smaller token is refused and its load changes nothing; the same token loads again", async () => {
  const table = tableOf();
  const fenced = (token: number) => ({ inTransaction: (s: Parameters<SqlWarehouse['checkFence']>[0]) => redshift.checkFence(s, table.name, token) });
  await redshift.load(table, parts([['a', '2024-03-01', 1]], 'r1'), audit('r1'), fenced(20));
  await expect(redshift.load(table, parts([['a', '2024-03-01', 2]], 'r2'), audit('r2'), fenced(19))).rejects.toThrow(
    `table lock on ${table.name} with fencing token 19 is stale: a newer holder has written; this load changes nothing`,
  );
  expect(await rowsOf(table)).toEqual(['a@03-01=1']);
  await redshift.load(table, parts([['a', '2024-03-01', 3]], 'r3'), audit('r3'), fenced(20));
  expect(await rowsOf(table)).toEqual(['a@03-01=3']);
  const { rows } = await pool.query(`SELECT token::int FROM ${SCHEMA}.dif_fencing WHERE table_name = $1`, [table.name]);
  expect(rows).toEqual([{ token: 20 }]);
  expect(new StaleLockError('t', 1).name).toBe('StaleLockError');
});

test('schema evolution: a short varchar is widened and recorded; a number widening Redshift cannot do in place is refused naming table and column', async () => {
  const table = tableOf();
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await pool.query(`CREATE TABLE ${SCHEMA}."${table.name}" (id varchar(4) NOT NULL, day date NOT NULL, n bigint, updated timestamptz, "_dif_customer" varchar(65535) NOT NULL, "_dif_run_id" varchar(65535) NOT NULL, "_dif_extracted_at" timestamptz NOT NULL, "_dif_loaded_at" timestamptz NOT NULL DEFAULT now())`);
  await redshift.load(table, parts([['a-long-id', '2024-03-01', 1]], 'r1'), audit('r1'));
  expect(await rowsOf(table)).toEqual(['a-long-id@03-01=1']);
  const { rows } = await pool.query(`SELECT column_name, change, from_type, to_type FROM ${SCHEMA}.dif_schema_history WHERE table_name = $1`, [table.name]);
  expect(rows).toEqual([{ column_name: 'id', change: 'widen', from_type: 'character varying(4)', to_type: 'varchar(65535)' }]);

  const narrow = tableOf();
  await pool.query(`CREATE TABLE ${SCHEMA}."${narrow.name}" (id varchar(65535) NOT NULL, day date NOT NULL, n integer, updated timestamptz, "_dif_customer" varchar(65535) NOT NULL, "_dif_run_id" varchar(65535) NOT NULL, "_dif_extracted_at" timestamptz NOT NULL, "_dif_loaded_at" timestamptz NOT NULL DEFAULT now())`);
  const refused = redshift.load(narrow, parts([['a', '2024-03-01', 1]], 'r1'), audit('r1'));
  await expect(refused).rejects.toThrow(TableShapeError);
  await expect(refused).rejects.toThrow(`table ${SCHEMA}.${narrow.name}: column n would widen from integer to bigint, which Redshift cannot do in place`);
  expect(await rowsOf(narrow)).toEqual([]);
});

describe.each([
  ['redshift', () => redshift],
  ['postgres', () => postgresWarehouseOn(pool, SCHEMA)],
] as const)('soft deletes (%s dialect)', (_name, warehouseOf) => {
  const contacts = (softDelete?: string): TableConfig => ({
    name: 'contacts_placeholder',
    primaryKey: ['id'],
    columns: [{ name: 'id', type: 'string' }, { name: 'archived', type: 'boolean' }],
    load: { mode: 'merge', ...(softDelete ? { softDelete } : {}) },
  });
  const csv = (rows: [string, string][], run: string) => {
    const file = path.join(dir, `${uniqueName(run)}.csv`);
    fs.writeFileSync(file, 'id,archived,_dif_customer,_dif_run_id,_dif_extracted_at\n' + rows.map(([id, archived]) => `${id},${archived},c1,${run},2026-01-0${run.slice(-1)}T00:00:00Z\n`).join(''));
    return [{ open: async () => fs.createReadStream(file), gzip: false }];
  };
  const marks = async (name: string) =>
    (await pool.query(`SELECT id, "_dif_deleted" AS d FROM ${SCHEMA}."${name}" ORDER BY id`)).rows.map((r) => `${r.id}:${r.d ? 'deleted' : 'live'}`);

  test('rows the vendor archived are marked, an unarchived one is live again; a table that starts marking gets the column, its rows marked, the change recorded', async () => {
    const warehouse = warehouseOf();
    const name = `t_${uniqueName('soft').replace(/-/g, '_')}`;
    // Loaded before soft deletes were mapped: no marker column yet.
    await warehouse.load({ ...contacts(), name }, csv([['a', 'false'], ['b', 'true']], 'r1'));
    const table = { ...contacts('archived'), name };
    await warehouse.load(table, csv([['c', 'true']], 'r2'));
    expect(await marks(name)).toEqual(['a:live', 'b:deleted', 'c:deleted']);
    const { rows } = await pool.query(`SELECT column_name, change FROM ${SCHEMA}.dif_schema_history WHERE table_name = $1`, [name]);
    expect(rows).toEqual([{ column_name: '_dif_deleted', change: 'add' }]);
    await warehouse.load(table, csv([['a', 'true'], ['b', 'false']], 'r3'));
    expect(await marks(name)).toEqual(['a:deleted', 'b:live', 'c:deleted']);
  });
});

test('data checks run in the load: a warn reports and the load stands; a fail rolls it back as a DataCheckError', async () => {
  const base = tableOf();
  const warned = { ...base, load: { mode: 'merge' as const, checks: [{ kind: 'rowCount' as const, minRatio: 0.5, on: 'warn' as const }] } };
  const auditOf = (run: string): LoadAudit => ({ ...audit(run), stream: base.name });
  await redshift.load(warned, parts([['a', '2024-03-01', 1], ['b', '2024-03-01', 1], ['c', '2024-03-01', 1], ['d', '2024-03-01', 1]], 'r1'), auditOf('r1'));
  const shrunk = await redshift.load(warned, parts([['a', '2024-03-01', 2]], 'r2'), auditOf('r2'));
  expect(shrunk.warnings).toEqual([`data check on ${SCHEMA}.${base.name} (stream ${base.name}, customer c1): 1 rows staged, 0.25× the previous load's 4 (allowed 0.5×–∞×)`]);
  expect(await rowsOf(base)).toEqual(['a@03-01=2', 'b@03-01=1', 'c@03-01=1', 'd@03-01=1']);

  const failing = { ...base, load: { mode: 'merge' as const, checks: [{ kind: 'notNull' as const, columns: ['n'], on: 'fail' as const }] } };
  const file = path.join(dir, `${uniqueName('nulls')}.csv`);
  fs.writeFileSync(file, 'id,day,n,updated,_dif_customer,_dif_run_id,_dif_extracted_at\na,2024-03-01,,,c1,r3,2026-01-03T00:00:00Z\n');
  const load = redshift.load(failing, [{ open: async () => fs.createReadStream(file), gzip: false }], auditOf('r3'));
  await expect(load).rejects.toThrow(DataCheckError);
  await expect(load).rejects.toThrow(`data check on ${SCHEMA}.${base.name} (stream ${base.name}, customer c1): 1 row(s) with n null; the load was rolled back`);
  expect(await rowsOf(base)).toEqual(['a@03-01=2', 'b@03-01=1', 'c@03-01=1', 'd@03-01=1']);
});

test("varchar columns sized from the load's longest values, widened (and recorded) when a later load needs more", async () => {
  const table = tableOf();
  await redshift.load(table, parts([['a', '2024-03-01', 1]], 'r1'), audit('r1'), { widths: { id: 1 } });
  const lengthOf = async () =>
    (await pool.query(`SELECT character_maximum_length AS n FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = 'id'`, [SCHEMA, table.name])).rows[0].n;
  expect(await lengthOf()).toBe(256);
  const long = 'x'.repeat(300);
  await redshift.load(table, parts([[long, '2024-03-01', 1]], 'r2'), audit('r2'), { widths: { id: 300 } });
  expect(await lengthOf()).toBe(512);
  const { rows } = await pool.query(`SELECT from_type, to_type FROM ${SCHEMA}.dif_schema_history WHERE table_name = $1`, [table.name]);
  expect(rows).toEqual([{ from_type: 'character varying(256)', to_type: 'varchar(512)' }]);
});
