/**
 * The preprocessor and the loader against the real S3 server (versitygw) and Postgres,
 * through the toCsv and loadCsv activities: every input format (JSON, NDJSON, CSV, TSV,
 * XLSX) and compression (gzip, zip, auto), column
 * formats, explode and metadata, expectations (missing column, rejects and their
 * threshold), parts and manifest, re-runs, a crash between COPY and merge, concurrent
 * loads, and a type change refused before anything is written.
 */
import { gzipSync, gunzipSync } from 'node:zlib';
import pg from 'pg';
import ExcelJS from 'exceljs';
import { S3ObjectStore } from '../../adapters/object-store';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import { SqlWarehouse } from '../../adapters/warehouse/sql-warehouse';
import { stdinStager } from '../../adapters/warehouse/postgres/stdin-stager';
import { toCsvActivity } from '../../activities/to-csv';
import { loadCsvActivity } from '../../activities/load-csv';
import type { ActivityDeps } from '../../activities/deps';
import type { ColumnConfig, DecodeConfig, TableConfig, VendorConfig } from '../../core/config-schema';
import { pageKey } from '../../core/run-plan';
import type { RunContext } from '../../core/contracts';
import { S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';
import { zipOf } from '../setup/zip';
import Redis from 'ioredis';
import { RedisSemaphores } from '../../adapters/locks/semaphores';

const SCHEMA = 'dif_test_pp';
const store = new S3ObjectStore({ bucket: 'dif-test-preprocess', region: 'us-east-1', endpoint: S3_ENDPOINT, accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY, forcePathStyle: true });
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 6 });
const loader = postgresWarehouseOn(pool, SCHEMA);
const permit = { key: 'test', limit: 1, leaseMs: 60_000, holder: 'test' };
let partBytes = 64 * 1024 * 1024;
// Real Redis for the loader's table lock; the run's own permit is not under test here.
const redis = new Redis('redis://127.0.0.1:6379/0');
const semaphores = Object.assign(Object.create(new RedisSemaphores(redis)) as RedisSemaphores, {
  renew: async (ref: { key: string }) => (ref.key === permit.key ? true : RedisSemaphores.prototype.renew.call(semaphores, ref as never)),
});
const deps = {
  objectStore: store,
  warehouse: loader,
  semaphores,
  redis,
  get csvPartBytes() {
    return partBytes;
  },
} as unknown as ActivityDeps;
const toCsv = toCsvActivity(deps);
const loadCsv = loadCsvActivity(deps);

beforeAll(async () => {
  await store.ensureBucket();
});
afterAll(async () => {
  await pool.end();
  await redis.quit();
  store.destroy();
});
afterEach(() => {
  partBytes = 64 * 1024 * 1024;
  loader.afterStage = undefined;
});

const COLUMNS: ColumnConfig[] = [
  { name: 'id', type: 'string', nullable: false, required: true },
  { name: 'day', type: 'date', nullable: false },
  { name: 'cost', type: 'decimal', format: 'micros', source: 'record.cost_micros' },
  { name: 'clicks', type: 'integer' },
];

interface Scenario {
  decode?: DecodeConfig;
  records?: string;
  columns?: ColumnConfig[];
  table?: Partial<TableConfig>;
  /** Raw objects, one per page. */
  bodies: (string | Buffer)[];
}

/** Pins a config for the scenario, stores its raw pages, and gives the run's context. */
async function setup(s: Scenario, customer = uniqueName('c')): Promise<{ run: RunContext; table: TableConfig; pages: { objectKey: string; stepIndex: number }[]; pageLists: string[] }> {
  const id = uniqueName('run');
  const table: TableConfig = { name: `t_${id.replace(/-/g, '_')}`, primaryKey: ['id', 'day'], columns: s.columns ?? COLUMNS, ...s.table };
  const config = {
    vendor: 'test-vendor',
    title: 'test',
    baseUrl: 'http://127.0.0.1:1',
    auth: { kind: 'none' },
    inputs: [],
    semaphore: { scope: 'customer', limit: 1 },
    streams: { items: { steps: [{ kind: 'single', name: 'get', request: { path: '/x' }, records: s.records ?? 'response.data', ...(s.decode ? { decode: s.decode } : {}) }], table } },
  } as unknown as VendorConfig;
  const configKey = `configs/test/${id}.json`;
  await store.put(configKey, JSON.stringify({ config, inputs: { account: 'a1' } }));
  const run: RunContext = {
    vendor: 'test-vendor', customer, stream: 'items', window: { from: '2026-01-01', to: '2026-01-31' },
    runId: id, configKey, extractedAt: new Date().toISOString(),
  };
  const pages = [];
  const prefix = `raw/test/${id}`;
  for (let i = 0; i < s.bodies.length; i++) {
    const objectKey = pageKey(prefix, i + 1);
    await store.put(objectKey, s.bodies[i]);
    pages.push({ objectKey, stepIndex: 0 });
  }
  // toCsv reads pages through a page-set list, as the step executor writes them.
  const listKey = `${prefix}/pagesets.json`;
  await store.put(listKey, JSON.stringify([{ prefix, count: s.bodies.length, stepIndex: 0 }]));
  return { run, table, pages, pageLists: [listKey] };
}

async function ingest(s: Scenario) {
  const { run, table, pageLists } = await setup(s);
  const csv = await toCsv({ run, pageLists, permit });
  const loaded = await loadCsv({ run, csvKey: csv.csvKey, permit });
  return { run, table, csv, loaded, rows: await rowsOf(table, run.customer) };
}

async function rowsOf(table: TableConfig, customer: string, columns = 'id, day::text AS day, cost::text AS cost, clicks::int AS clicks') {
  const { rows } = await pool.query(`SELECT ${columns} FROM ${SCHEMA}."${table.name}" WHERE _dif_customer = $1 ORDER BY 1, 2`, [customer]).catch((e) => {
    if (e.code === '42P01') return { rows: [] };
    throw e;
  });
  return rows;
}

async function gunzipObject(key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(key)) chunks.push(Buffer.from(chunk));
  return gunzipSync(Buffer.concat(chunks)).toString('utf8');
}

const jsonPage = (records: unknown[]) => JSON.stringify({ meta: { n: records.length }, data: records });
const rec = (id: string, day: string, cost: number | string, clicks: number | string) => ({ id, day, cost_micros: cost, clicks });
const expected = (id: string, day: string, cost: string, clicks: number) => ({ id, day, cost, clicks });

describe('every input format lands the same rows', () => {
  test('JSON, records streamed from a path, two pages', async () => {
    const { csv, loaded, rows } = await ingest({
      bodies: [jsonPage([rec('a', '2026-01-01', 1_500_000, 3)]), jsonPage([rec('b', '2026-01-02', 250_000, 0), rec('c', '2026-01-02', 0, 1)])],
    });
    expect(csv).toMatchObject({ records: 3, rows: 3, rejected: 0, parts: 1 });
    expect(loaded).toMatchObject({ rowsStaged: 3, rowsInserted: 3, rowsReplaced: 0, files: 1 });
    expect(rows).toEqual([expected('a', '2026-01-01', '1.5', 3), expected('b', '2026-01-02', '0.25', 0), expected('c', '2026-01-02', '0', 1)]);
  });

  test('JSON with an arbitrary records expression, evaluated over the whole document', async () => {
    const { rows } = await ingest({
      records: 'response.data.filter((r) => r.clicks > 0)',
      bodies: [jsonPage([rec('a', '2026-01-01', 1, 3), rec('b', '2026-01-01', 1, 0)])],
    });
    expect(rows.map((r) => r.id)).toEqual(['a']);
  });

  test('NDJSON, gzip', async () => {
    const lines = [rec('a', '2026-01-01', 1_000_000, 1), rec('b', '2026-01-01', 2_000_000, 2)].map((r) => JSON.stringify(r)).join('\n');
    const { rows } = await ingest({ decode: { format: 'ndjson', compression: 'gzip' }, bodies: [gzipSync(`${lines}\n\n`)] });
    expect(rows).toEqual([expected('a', '2026-01-01', '1', 1), expected('b', '2026-01-01', '2', 2)]);
  });

  test('CSV with a header, in a zip found by its magic bytes', async () => {
    const csv = 'id,day,cost_micros,clicks\r\na,2026-01-01,1000000,1\r\n"b, quoted",2026-01-03,,\r\n';
    const { rows } = await ingest({ decode: { format: 'csv', compression: 'auto' }, bodies: [zipOf({ 'report.csv': csv })] });
    expect(rows).toEqual([expected('a', '2026-01-01', '1', 1), { id: 'b, quoted', day: '2026-01-03', cost: null, clicks: null }]);
  });

  test('TSV without a header, columns named in the config, gzip found by its magic bytes', async () => {
    const tsv = 'a\t2026-01-01\t3000000\t7\nb\t2026-01-02\t0\t0\n';
    const { rows } = await ingest({
      decode: { format: 'tsv', compression: 'auto', header: false, columns: ['id', 'day', 'cost_micros', 'clicks'] },
      bodies: [gzipSync(tsv)],
    });
    expect(rows).toEqual([expected('a', '2026-01-01', '3', 7), expected('b', '2026-01-02', '0', 0)]);
  });


  test('XLSX: the first sheet, shared strings, numbers and date cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('report');
    sheet.addRow(['id', 'day', 'cost_micros', 'clicks']);
    sheet.addRow(['a', new Date(Date.UTC(2026, 0, 4)), 1_250_000, 5]);
    sheet.addRow(['b', '2026-01-05', 0, 0]);
    workbook.addWorksheet('notes').addRow(['ignored']);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const { rows } = await ingest({ decode: { format: 'xlsx', compression: 'auto' }, bodies: [xlsx] });
    expect(rows).toEqual([expected('a', '2026-01-04', '1.25', 5), expected('b', '2026-01-05', '0', 0)]);
  });
});

test('explode, derived and metadata columns, date formats', async () => {
  const columns: ColumnConfig[] = [
    { name: 'id', type: 'string', nullable: false, source: 'record.campaign.id' },
    { name: 'day', type: 'date', nullable: false, source: 'item.d', format: 'MM/DD/YYYY' },
    { name: 'cost', type: 'decimal', source: 'item.cents', format: 'cents' },
    { name: 'clicks', type: 'integer', source: 'item.clicks * 2' },
    { name: 'ctr', type: 'decimal', source: 'item.ctr', format: 'percent' },
    { name: 'vendor_name', type: 'string', metadata: 'vendor' },
    { name: 'account', type: 'string', source: 'inputs.account' },
  ];
  const body = jsonPage([
    { campaign: { id: 'k1' }, days: [{ d: '01/05/2026', cents: 199, clicks: 2, ctr: '1.5%' }, { d: '01/06/2026', cents: 5, clicks: 0, ctr: 0 }] },
    { campaign: { id: 'k2' }, days: [] },
  ]);
  const { csv, rows, table, run } = await ingest({ columns, table: { explode: 'record.days' }, bodies: [body] });
  expect(csv).toMatchObject({ records: 2, rows: 2 });
  expect(rows).toEqual([expected('k1', '2026-01-05', '1.99', 4), expected('k1', '2026-01-06', '0.05', 0)]);
  expect(await rowsOf(table, run.customer, 'id, day::text AS day, ctr::text AS ctr, vendor_name, account, _dif_run_id')).toEqual([
    { id: 'k1', day: '2026-01-05', ctr: '0.015', vendor_name: 'test-vendor', account: 'a1', _dif_run_id: run.runId },
    { id: 'k1', day: '2026-01-06', ctr: '0', vendor_name: 'test-vendor', account: 'a1', _dif_run_id: run.runId },
  ]);
});

test('a report keyed by entity id (decode.keyed), gzipped: each entity\'s rows with its id; money by the row\'s currency, a missing metric its default, an unknown currency rejected', async () => {
  const columns: ColumnConfig[] = [
    { name: 'id', type: 'string', nullable: false, required: true },
    { name: 'day', type: 'date', nullable: false },
    { name: 'cost', type: 'decimal', source: 'record.spend', money: { currency: 'record.currency', amountIn: 'minor' } },
    { name: 'clicks', type: 'integer', default: 0 },
  ];
  const report = {
    data: {
      '101': [{ day: '2026-01-05', spend: 1999, currency: 'USD', clicks: 3 }, { day: '2026-01-06', spend: 500, currency: 'USD' }],
      '202': { day: '2026-01-05', spend: 1500, currency: 'JPY', clicks: 1 },
      '303': [{ day: '2026-01-05', spend: 1, currency: 'ZZZ' }],
    },
  };
  const { csv, rows } = await ingest({ columns, decode: { format: 'json', compression: 'gzip', keyed: { keyAs: 'id' } }, table: { rejects: { maxRows: 1 } }, bodies: [gzipSync(JSON.stringify(report))] });
  expect(csv).toMatchObject({ records: 4, rows: 3, rejected: 1 });
  expect(rows).toEqual([expected('101', '2026-01-05', '19.99', 3), expected('101', '2026-01-06', '5', 0), expected('202', '2026-01-05', '1500', 1)]);
});

describe('column expectations', () => {
  test('a required column missing from a CSV header fails the run naming the column and the file', async () => {
    const { run, pages, pageLists } = await setup({ decode: { format: 'csv' }, bodies: ['ident,day,cost_micros,clicks\nx,2026-01-01,1,1\n'] });
    await expect(toCsv({ run, pageLists, permit })).rejects.toThrow(
      new RegExp(`required column "id" \\(field "id"\\) missing from ${pages[0].objectKey} in s3://dif-test-preprocess; it has: ident, day, cost_micros, clicks`),
    );
  });

  test('a required field missing from the first JSON record fails the run', async () => {
    const { run, pageLists } = await setup({ bodies: [jsonPage([{ day: '2026-01-01' }])] });
    await expect(toCsv({ run, pageLists, permit })).rejects.toThrow(/required column "id" \(field "id"\) missing from raw\/test\/.*page-0*1/);
  });

  test('bad values go to the rejects file with the reason and line; within the threshold the rest loads', async () => {
    const csvBody = 'id,day,cost_micros,clicks\na,2026-01-01,1,1\nb,2026-02-30,1,1\nc,2026-01-01,1,many\n"d,broken\n';
    const { csv, loaded, rows } = await ingest({ decode: { format: 'csv' }, table: { rejects: { maxRows: 5 } }, bodies: [csvBody] });
    expect(rows.map((r) => r.id)).toEqual(['a']);
    expect(csv.rejected).toBe(3);
    expect(loaded.rowsRejected).toBe(3);
    const summary = JSON.parse(await store.getText(csv.csvKey.replace('manifest.json', 'summary.json')));
    const rejects = await gunzipObject(summary.rejectsKey);
    expect(rejects.split('\n')[0]).toBe('file,number,reason,record');
    expect(rejects).toMatch(/,3,"column ""day"": ""2026-02-30"" is not a date \(YYYY-MM-DD\)",/);
    expect(rejects).toMatch(/,4,"column ""clicks"": ""many"" is not an integer",/);
    expect(rejects).toMatch(/,5,row cannot be read: /);
  });

  test('past the threshold the run fails naming the rejects file, and nothing is loaded', async () => {
    const lines = ['{"id":"a","day":"2026-01-01"}', '{"id":"b","day":"soon"}', '{not json', '{"id":"c","day":"2026-01-01","clicks":1.5}'].join('\n');
    const { run, pageLists, table } = await setup({ decode: { format: 'ndjson' }, table: { rejects: { maxRows: 1, maxPercent: 50 } }, bodies: [lines] });
    await expect(toCsv({ run, pageLists, permit })).rejects.toThrow(
      /3 of 4 row\(s\) rejected \(75.00%\), more than the table allows \(1 row\(s\) or 50%\); the rejected rows and their reasons are in csv\/.*rejects.csv.gz in s3:\/\/dif-test-preprocess/,
    );
    expect(await store.exists(`csv/test-vendor/${run.customer}/items/2026-01-01..2026-01-31/${run.runId}/manifest.json`)).toBe(false);
    expect(await rowsOf(table, run.customer)).toEqual([]);
  });

  test('malformed JSON fails the run naming the object', async () => {
    const { run, pageLists } = await setup({ bodies: ['{"data": [{"id": "a", '] });
    await expect(toCsv({ run, pageLists, permit })).rejects.toThrow(/raw\/test\/.*page-0*1\.json in s3:\/\/dif-test-preprocess is not valid JSON/);
  });
});

test('output is split into gzip parts listed in the manifest, and all of them load', async () => {
  partBytes = 2000; // about 40 rows a part; parts close after a 1,000-record batch
  const records = Array.from({ length: 2500 }, (_, i) => rec(`id${i}`, '2026-01-01', i, i));
  const { csv, loaded } = await ingest({ bodies: [jsonPage(records)] });
  expect(csv.parts).toBe(3);
  const manifest = JSON.parse(await store.getText(csv.csvKey));
  expect(manifest.entries.map((e: { url: string }) => e.url.replace(/.*\//, ''))).toEqual(['part-000001.csv.gz', 'part-000002.csv.gz', 'part-000003.csv.gz']);
  expect(loaded).toMatchObject({ rowsStaged: 2500, rowsInserted: 2500, files: 3 });
});

test('a warehouse that loads parts in parallel gets a part count that is a multiple of its slices, and every row loads once', async () => {
  partBytes = 20_000; // about 400 rows a part; pages of 50 records are batches of 50
  // The same executor as Postgres's, its stager answering 4 as Redshift's answers its slice count (adapters/warehouse/redshift/slices.ts).
  const sliced = new SqlWarehouse({ kind: 'postgres', dialect: 'postgres', pool, schema: SCHEMA, stager: { ...stdinStager, partMultiple: async () => 4 }, endpoint: { name: 'postgres', address: 'test', fix: '' } });
  const slicedDeps = { ...deps, warehouse: sliced, csvPartBytes: partBytes } as ActivityDeps;
  const bodies = Array.from({ length: 42 }, (_, page) => jsonPage(Array.from({ length: 50 }, (_, i) => rec(`id${page * 50 + i}`, '2026-01-01', i, page))));
  const { run, table, pageLists } = await setup({ bodies });
  const csv = await toCsvActivity(slicedDeps)({ run, pageLists, permit });
  expect(csv.parts! % 4).toBe(0);
  expect(csv.parts).toBeGreaterThan(4);
  const summary = JSON.parse(await store.getText(csv.csvKey.replace(/manifest\.json$/, 'summary.json')));
  const manifest = JSON.parse(await store.getText(csv.csvKey));
  expect(manifest.entries.map((e: { url: string }) => e.url.replace(/.*\//, ''))).toEqual(summary.parts.map((_: unknown, i: number) => `part-${String(i + 1).padStart(6, '0')}.csv.gz`));
  expect(summary.parts.reduce((n: number, p: { rows: number }) => n + p.rows, 0)).toBe(2100);
  // Every set of 4 holds the same rows within one batch.
  for (let set = 0; set < summary.parts.length; set += 4) {
    const rows = summary.parts.slice(set, set + 4).map((p: { rows: number }) => p.rows);
    expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(50);
  }
  const loaded = await loadCsvActivity(slicedDeps)({ run, csvKey: csv.csvKey, permit });
  expect(loaded).toMatchObject({ rowsStaged: 2100, rowsInserted: 2100, files: csv.parts });
  const { rows } = await pool.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM ${SCHEMA}."${table.name}" WHERE _dif_customer = $1`, [run.customer]);
  expect(rows[0]).toEqual({ n: 2100, ids: 2100 });

  // A clean-room worker (deps.difStore) never asks the warehouse: its parts close one at a time by size.
  const room = await setup({ bodies });
  const roomCsv = await toCsvActivity({ ...slicedDeps, difStore: store })({ run: room.run, pageLists: room.pageLists, permit });
  const plain = await setup({ bodies });
  const plainCsv = await toCsv({ run: plain.run, pageLists: plain.pageLists, permit });
  const partRows = async (manifestKey: string) =>
    (JSON.parse(await store.getText(manifestKey.replace(/manifest\.json$/, 'summary.json'))).parts as { rows: number }[]).map((p) => p.rows);
  expect(await partRows(roomCsv.csvKey)).toEqual(await partRows(plainCsv.csvKey));
  expect((await partRows(roomCsv.csvKey)).length % 4).not.toBe(0);
});

describe('loads', () => {
  test('re-running a load, and a later run of the window, give the same table; each load is audited', async () => {
    const s = { bodies: [jsonPage([rec('a', '2026-01-01', 1, 1), rec('a', '2026-01-01', 2, 2), rec('b', '2026-01-01', 3, 3)])] };
    const { run, table, pageLists } = await setup(s);
    const csv = await toCsv({ run, pageLists, permit });
    const first = await loadCsv({ run, csvKey: csv.csvKey, permit });
    const before = await rowsOf(table, run.customer);
    const again = await loadCsv({ run, csvKey: csv.csvKey, permit });
    expect(first).toMatchObject({ rowsStaged: 3, rowsInserted: 2, rowsReplaced: 0 });
    expect(again).toMatchObject({ rowsStaged: 3, rowsInserted: 0, rowsReplaced: 2 });
    expect(await rowsOf(table, run.customer)).toEqual(before);
    expect(before).toHaveLength(2);

    const { rows: audit } = await pool.query(
      `SELECT run_id, table_name, vendor, stream, window_from::text, files, rows_staged::int, rows_inserted::int, rows_replaced::int, rows_rejected::int, duration_ms >= 0 AS timed
         FROM ${SCHEMA}.dif_load_audit WHERE run_id = $1`,
      [run.runId],
    );
    expect(audit).toEqual([
      { run_id: run.runId, table_name: table.name, vendor: 'test-vendor', stream: 'items', window_from: '2026-01-01', files: 1, rows_staged: 3, rows_inserted: 0, rows_replaced: 2, rows_rejected: 0, timed: true },
    ]);
  });

  test('a crash between COPY and merge changes nothing; the retry loads once', async () => {
    const { run, table, pageLists } = await setup({ bodies: [jsonPage([rec('a', '2026-01-01', 1_000_000, 1), rec('b', '2026-01-01', 1_000_000, 1)])] });
    const csv = await toCsv({ run, pageLists, permit });
    await loadCsv({ run, csvKey: csv.csvKey, permit });
    const before = await rowsOf(table, run.customer);
    expect(before).toEqual([expected('a', '2026-01-01', '1', 1), expected('b', '2026-01-01', '1', 1)]);

    // A later run of the window brings different values for both keys and one new key, so
    // any part of its merge that leaked out of the failed load would show in the table.
    const later = await setup(
      { bodies: [jsonPage([rec('a', '2026-01-01', 2_000_000, 2), rec('b', '2026-01-01', 3_000_000, 3), rec('c', '2026-01-01', 4_000_000, 4)])], table: { name: table.name } },
      run.customer,
    );
    const laterCsv = await toCsv({ run: later.run, pageLists: later.pageLists, permit });
    const loadLater = () => loadCsv({ run: later.run, csvKey: laterCsv.csvKey, permit });

    // The connection dies after the rows are staged: the server rolls the transaction back.
    loader.afterStage = async (client) => {
      await pool.query('SELECT pg_terminate_backend($1)', [(client as unknown as { processID: number }).processID]);
    };
    await expect(loadLater()).rejects.toThrow(/^load into dif_test_pp\."?t_run_.* failed, nothing was changed: .*(terminat|connection error)/);
    expect(await rowsOf(table, run.customer)).toEqual(before);
    // Or the activity fails there.
    loader.afterStage = async () => {
      throw new Error('worker died');
    };
    await expect(loadLater()).rejects.toThrow(/^load into dif_test_pp\."?t_run_.* failed, nothing was changed: worker died$/);
    expect(await rowsOf(table, run.customer)).toEqual(before);

    loader.afterStage = undefined;
    const retried = await loadLater();
    expect(retried).toMatchObject({ rowsStaged: 3, rowsInserted: 1, rowsReplaced: 2 });
    expect(await rowsOf(table, run.customer)).toEqual([expected('a', '2026-01-01', '2', 2), expected('b', '2026-01-01', '3', 3), expected('c', '2026-01-01', '4', 4)]);
  });

  test('concurrent loads into one table queue on the lock and leave each key once', async () => {
    const customer = uniqueName('conc');
    const shared = uniqueName('run');
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const page = jsonPage(Array.from({ length: 500 }, (_, k) => rec(`k${k}`, '2026-01-01', i, i)));
      const { run, pageLists } = await setup({ bodies: [page], table: { name: `t_${shared.replace(/-/g, '_')}` } }, customer);
      runs.push({ run, csv: await toCsv({ run, pageLists, permit }) });
    }
    const results = await Promise.all(runs.map(({ run, csv }) => loadCsv({ run, csvKey: csv.csvKey, permit })));
    // Whichever loads first inserts the 500 keys; the two after it replace them.
    expect(results.map((r) => r.rowsInserted).sort()).toEqual([0, 0, 500]);
    expect(results.map((r) => r.rowsReplaced).sort()).toEqual([0, 500, 500]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM ${SCHEMA}."t_${shared.replace(/-/g, '_')}" WHERE _dif_customer = $1`, [customer]);
    expect(rows[0]).toEqual({ n: 500, ids: 500 });
  });

  test('a type change is refused before anything is written; a new column is added', async () => {
    const { run, table, pageLists } = await setup({ bodies: [jsonPage([rec('a', '2026-01-01', 1, 1)])] });
    await loadCsv({ run, csvKey: (await toCsv({ run, pageLists, permit })).csvKey, permit });

    const changed = await setup({ columns: [...COLUMNS.slice(0, 3), { name: 'clicks', type: 'string' }, { name: 'extra', type: 'string' }], table: { name: table.name }, bodies: [jsonPage([rec('z', '2026-01-01', 1, 1)])] }, run.customer);
    const csv = await toCsv({ run: changed.run, pageLists: changed.pageLists, permit });
    await expect(loadCsv({ run: changed.run, csvKey: csv.csvKey, permit })).rejects.toThrow(
      `table ${SCHEMA}.${table.name}: column clicks is bigint but the config says string (text), which is not a widening; change the table by hand or rename the column: nothing was changed or loaded`,
    );
    const { rows } = await pool.query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [SCHEMA, table.name]);
    expect(rows.map((r) => r.column_name)).not.toContain('extra');
    expect((await rowsOf(table, run.customer)).map((r) => r.id)).toEqual(['a']);

    const added = await setup({ columns: [...COLUMNS, { name: 'extra', type: 'string', source: '"x"' }], table: { name: table.name }, bodies: [jsonPage([rec('z', '2026-01-01', 1, 1)])] }, run.customer);
    await loadCsv({ run: added.run, csvKey: (await toCsv({ run: added.run, pageLists: added.pageLists, permit })).csvKey, permit });
    expect(await rowsOf(table, run.customer, 'id, extra')).toEqual([{ id: 'a', extra: null }, { id: 'z', extra: 'x' }]);
  });
});

test('child tables: a CSV per table from the same records (children under children/<table>/), a bad child value rejected naming its table, all loaded together', async () => {
  partBytes = 2000; // the children's CSV is split into parts of its own as the records stream
  const records = Array.from({ length: 1500 }, (_, i) => ({
    ...rec(`id${i}`, '2026-01-01', i, i),
    lines: [{ sku: `s${i}a`, qty: 1 }, { sku: `s${i}b`, qty: i === 7 ? 'many' : 2 }],
  }));
  const { run, csv, loaded, table } = await ingest({
    bodies: [jsonPage(records)],
    table: {
      rejects: { maxRows: 1 },
      children: [{ name: `lines_${uniqueName('c').replace(/-/g, '_')}`, from: 'record.lines', parentKey: ['order_id', 'order_day'], primaryKey: ['sku'], columns: [{ name: 'sku', type: 'string' }, { name: 'qty', type: 'integer' }] }],
    },
  });
  const child = table.children![0].name;
  expect(csv).toMatchObject({ records: 1500, rows: 1500, rejected: 1 });
  const summary = JSON.parse(await store.getText(csv.csvKey.replace('manifest.json', 'summary.json')));
  expect(summary.children[child].rows).toBe(2999);
  expect(summary.children[child].parts.length).toBeGreaterThan(1);
  const childManifest = JSON.parse(await store.getText(csv.csvKey.replace('manifest.json', `children/${child}/manifest.json`)));
  expect(childManifest.entries).toHaveLength(summary.children[child].parts.length);
  expect(await gunzipObject(summary.rejectsKey)).toContain(`"child table ${child}: column ""qty"": ""many"" is not an integer"`);
  expect(loaded).toMatchObject({ rowsStaged: 1500, rowsInserted: 1500, children: { [child]: { rowsStaged: 2999, rowsInserted: 2999, rowsReplaced: 0 } } });
  const { rows } = await pool.query(`SELECT order_id, order_day::text AS order_day, sku, qty::int AS qty FROM ${SCHEMA}."${child}" WHERE _dif_customer = $1 AND order_id IN ('id7', 'id8') ORDER BY 1, 3`, [run.customer]);
  expect(rows).toEqual([
    { order_id: 'id7', order_day: '2026-01-01', sku: 's7a', qty: 1 },
    { order_id: 'id8', order_day: '2026-01-01', sku: 's8a', qty: 1 },
    { order_id: 'id8', order_day: '2026-01-01', sku: 's8b', qty: 2 },
  ]);
});
