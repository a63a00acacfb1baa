/**
 * Child tables against the real Postgres loader: a parent table and its child table loaded
 * in one transaction. In each load mode a re-run leaves no duplicate and no orphan (the
 * children of a reloaded parent are replaced; those of a parent the window delete removed
 * go with it; `append` leaves a known parent's children alone), child rows never cross
 * customers, a child row without its parent is not loaded, two loads at once queue instead
 * of deadlocking, and a loader process killed (SIGKILL) after staging both tables leaves
 * both as they were.
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

const SCHEMA = 'dif_test_child_tables';
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 4 });
const loader = postgresWarehouseOn(pool, SCHEMA);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-child-tables-'));
afterAll(async () => {
  await pool.end();
  fs.rmSync(dir, { recursive: true, force: true });
});

const META = '_dif_customer,_dif_run_id,_dif_extracted_at';
/** An order: id, day (2024-03-dd), customer. */
type Order = [string, string, string?];
/** A line: order id, line id, quantity, customer. */
type Line = [string, string, number, string?];

function file(header: string, lines: string[]): string {
  const name = path.join(dir, `${uniqueName('csv')}.csv`);
  fs.writeFileSync(name, `${header},${META}\n${lines.join('')}`);
  return name;
}
const stamp = (run: string) => `${run},2026-01-0${run.slice(-1)}T00:00:00Z\n`;
const ordersCsv = (run: string, orders: Order[]) => file('id,day', orders.map(([id, day, customer]) => `${id},2024-03-${day},${customer ?? 'c1'},${stamp(run)}`));
const linesCsv = (run: string, lines: Line[]) => file('order_id,line,qty', lines.map(([order, line, qty, customer]) => `${order},${line},${qty},${customer ?? 'c1'},${stamp(run)}`));
const parts = (name: string) => [{ open: async () => fs.createReadStream(name), gzip: false }];
const auditOf = (run: string, customer = 'c1'): LoadAudit => ({ runId: run, vendor: 'v', customer, stream: 's', window: { from: '2024-03-01', to: '2024-03-02' }, rowsRejected: 0 });

function tableOf(load?: TableConfig['load']): TableConfig {
  const name = `o_${uniqueName('child').replace(/-/g, '_')}`;
  return {
    name,
    primaryKey: ['id'],
    columns: [{ name: 'id', type: 'string' }, { name: 'day', type: 'date' }],
    ...(load ? { load } : {}),
    children: [{ name: `${name}_lines`, from: 'record.lines', parentKey: ['order_id'], primaryKey: ['line'], columns: [{ name: 'line', type: 'string' }, { name: 'qty', type: 'integer' }] }],
  };
}

async function load(table: TableConfig, run: string, orders: Order[], lines: Line[], customer = 'c1') {
  return loader.load(table, parts(ordersCsv(run, orders)), auditOf(run, customer), {}, { [`${table.name}_lines`]: parts(linesCsv(run, lines)) });
}

async function state(table: TableConfig): Promise<{ orders: string[]; lines: string[] }> {
  const orders = await pool.query(`SELECT "_dif_customer" AS c, id, to_char(day, 'DD') AS day FROM ${SCHEMA}."${table.name}" ORDER BY 1, 2`);
  const lines = await pool.query(`SELECT "_dif_customer" AS c, order_id, line, qty::int AS qty FROM ${SCHEMA}."${table.name}_lines" ORDER BY 1, 2, 3`);
  return { orders: orders.rows.map((r) => `${r.c}/${r.id}@${r.day}`), lines: lines.rows.map((r) => `${r.c}/${r.order_id}/${r.line}=${r.qty}`) };
}

test('merge: a reloaded order’s lines are replaced (a removed line disappears), other orders and customers keep theirs, a line without its order is not loaded', async () => {
  const table = tableOf();
  await load(table, 'r1', [['o1', '01'], ['o2', '01']], [['o1', 'a', 1], ['o1', 'b', 2], ['o2', 'c', 3]]);
  await load(table, 'r1', [['o1', '01', 'c2']], [['o1', 'a', 9, 'c2']], 'c2');
  // o1 again without line b; a line of an order that is not in this load (o9) has no parent.
  const result = await load(table, 'r2', [['o1', '01']], [['o1', 'a', 5], ['o9', 'z', 1]]);
  // o1 was there: replaced, no new order; its two old lines replaced by one.
  expect(result).toEqual({ rowsStaged: 1, rowsInserted: 0, rowsReplaced: 1, rowsRemoved: 0, children: { [`${table.name}_lines`]: { rowsStaged: 2, rowsInserted: 0, rowsReplaced: 2, rowsRemoved: 0 } } });
  expect(await state(table)).toEqual({
    orders: ['c1/o1@01', 'c1/o2@01', 'c2/o1@01'],
    lines: ['c1/o1/a=5', 'c1/o2/c=3', 'c2/o1/a=9'],
  });
  // o2 again with no lines at all: it has none now. The same load twice changes nothing more.
  await load(table, 'r3', [['o2', '01']], []);
  await load(table, 'r3', [['o2', '01']], []);
  expect((await state(table)).lines).toEqual(['c1/o1/a=5', 'c2/o1/a=9']);
  const audit = await pool.query(`SELECT table_name, rows_staged::int AS staged FROM ${SCHEMA}.dif_load_audit WHERE run_id = 'r2' AND table_name LIKE $1 ORDER BY 1`, [`${table.name}%`]);
  expect(audit.rows).toEqual([{ table_name: table.name, staged: 1 }, { table_name: `${table.name}_lines`, staged: 2 }]);
});

test('replaceWindow: the lines of the orders the window delete removes go with them; orders outside the window keep theirs', async () => {
  const table = tableOf({ mode: 'replaceWindow', windowColumn: 'day' });
  await load(table, 'r1', [['o1', '01'], ['o2', '02'], ['o3', '05']], [['o1', 'a', 1], ['o2', 'b', 1], ['o3', 'c', 1]]);
  await load(table, 'r2', [['o1', '01']], [['o1', 'a', 2], ['o1', 'd', 2]]);
  expect(await state(table)).toEqual({ orders: ['c1/o1@01', 'c1/o3@05'], lines: ['c1/o1/a=2', 'c1/o1/d=2', 'c1/o3/c=1'] });
});

test('append: an order already loaded keeps its lines; a new order comes with its lines', async () => {
  const table = tableOf({ mode: 'append' });
  await load(table, 'r1', [['o1', '01']], [['o1', 'a', 1]]);
  await load(table, 'r2', [['o1', '01'], ['o4', '01']], [['o1', 'a', 7], ['o1', 'x', 7], ['o4', 'e', 4]]);
  expect(await state(table)).toEqual({ orders: ['c1/o1@01', 'c1/o4@01'], lines: ['c1/o1/a=1', 'c1/o4/e=4'] });
});

test('two loads of one family at once queue on the parent’s lock and neither deadlocks', async () => {
  const table = tableOf();
  await load(table, 'r1', [['o1', '01']], [['o1', 'a', 1]]);
  await Promise.all([
    load(table, 'r2', [['o1', '01']], [['o1', 'a', 2]]),
    load(table, 'r3', [['o1', '01']], [['o1', 'b', 3]]),
  ]);
  const { lines } = await state(table);
  expect([['c1/o1/a=2'], ['c1/o1/b=3']]).toContainEqual(lines);
});

test('a loader killed after staging the order and its lines leaves both tables as they were; the next load lands each row once', async () => {
  const table = tableOf();
  await load(table, 'r1', [['o1', '01'], ['o2', '01']], [['o1', 'a', 1], ['o1', 'b', 1], ['o2', 'c', 1]]);
  const before = await state(table);
  const orders = ordersCsv('r2', [['o1', '01'], ['o3', '01']]);
  const lines = linesCsv('r2', [['o1', 'a', 2], ['o3', 'f', 2]]);
  const loading = await stagedLoader(SCHEMA, table, orders, auditOf('r2'), { [`${table.name}_lines`]: lines });
  expect(await state(table)).toEqual(before);
  expect(await loading.kill()).toBe('SIGKILL');
  expect(await state(table)).toEqual(before);
  await loader.load(table, parts(orders), auditOf('r2'), {}, { [`${table.name}_lines`]: parts(lines) });
  expect(await state(table)).toEqual({ orders: ['c1/o1@01', 'c1/o2@01', 'c1/o3@01'], lines: ['c1/o1/a=2', 'c1/o2/c=1', 'c1/o3/f=2'] });
});

test('a table with children loaded without its children’s CSV is refused before anything is written', async () => {
  const table = tableOf();
  await expect(loader.load(table, parts(ordersCsv('r1', [['o1', '01']])))).rejects.toThrow(
    `load into ${SCHEMA}.${table.name}: no CSV for its child table(s) ${table.name}_lines; nothing was loaded`,
  );
});
