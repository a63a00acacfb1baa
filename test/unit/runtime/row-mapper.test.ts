/**
 * Records to rows: path sources read directly, expressions in the sandbox, metadata from
 * the run, explode, and bad values turned into rejects that name the column.
 */
import { RowMapper } from '../../../runtime/row-mapper';
import type { TableConfig } from '../../../core/config-schema';

const facts = { customer: 'acme', vendor: 'v', stream: 's', windowFrom: '2026-01-01', windowTo: '2026-01-02', runId: 'r1', extractedAt: '2026-01-03T00:00:00.000Z' };

test('paths, expressions, metadata and the trailing _dif_ columns', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string', source: 'record["the id"]' },
      { name: 'total', type: 'integer', source: 'record.a + record.b' },
      { name: 'nested', type: 'string', source: 'record.obj' },
      { name: 'who', type: 'string', source: 'parent.name' },
      { name: 'window_start', type: 'date', metadata: 'window_from' },
      { name: 'account', type: 'string', source: 'inputs.account' },
    ],
  };
  const mapper = new RowMapper(table, facts, { inputs: { account: 'x1' } }, 'where');
  const { rows, rejects } = mapper.map([{ record: { 'the id': 'k', a: 1, b: 2, obj: { z: [1] } }, number: 1 }], { name: 'p' });
  expect(rejects).toEqual([]);
  expect(rows).toEqual([['k', '3', '{"z":[1]}', 'p', '2026-01-01', 'x1', 'acme', 'r1', '2026-01-03T00:00:00.000Z']]);
});

test('a bad value or a failing expression rejects its row only, naming the column', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string', nullable: false },
      { name: 'ratio', type: 'decimal', source: 'record.x.y / 2' },
    ],
  };
  const mapper = new RowMapper(table, facts, {}, '$.table.columns');
  const { rows, rejects } = mapper.map(
    [
      { record: { id: 'a', x: { y: 4 } }, number: 1 },
      { record: { id: 'b' }, number: 2 },
      { record: { x: { y: 1 } }, number: 3 },
    ],
    undefined,
  );
  expect(rows.map((r) => r.slice(0, 2))).toEqual([['a', '2']]);
  expect(rejects.map((r) => [r.number, r.reason])).toEqual([
    [2, expect.stringMatching(/^column "ratio": expression "record.x.y \/ 2" failed: .*undefined/)],
    [3, 'column "id": is required but missing'],
  ]);
});

test('explode: one row per element, `item` beside `record`; no elements, no row', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id', 'n'],
    explode: 'record.items',
    columns: [
      { name: 'id', type: 'string' },
      { name: 'n', type: 'integer', source: 'item.n' },
      { name: 'double', type: 'integer', source: 'item.n * 2' },
    ],
  };
  const mapper = new RowMapper(table, facts, {}, 'where');
  const { rows } = mapper.map(
    [
      { record: { id: 'a', items: [{ n: 1 }, { n: 2 }] }, number: 1 },
      { record: { id: 'b', items: [] }, number: 2 },
      { record: { id: 'c' }, number: 3 },
    ],
    undefined,
  );
  expect(rows.map((r) => r.slice(0, 3))).toEqual([['a', '1', '2'], ['a', '2', '4']]);
});

test('table.where keeps only the records it holds for: the children of a bulk JSONL, joined to their parent by __parentId', () => {
  const table: TableConfig = {
    name: 'line_items',
    primaryKey: ['id'],
    where: 'record.__parentId !== undefined',
    columns: [
      { name: 'id', type: 'string', nullable: false },
      { name: 'order_id', type: 'string', nullable: false, source: 'record.__parentId' },
    ],
  };
  const mapper = new RowMapper(table, facts, {}, '$.table.columns');
  const { rows, rejects } = mapper.map(
    [
      { record: { id: 'gid://shopify/Order/1' }, number: 1 },
      { record: { id: 'gid://shopify/LineItem/11', __parentId: 'gid://shopify/Order/1' }, number: 2 },
    ],
    null,
  );
  expect(rejects).toEqual([]); // the parent is skipped, not rejected
  expect(rows.map((r) => r.slice(0, 2))).toEqual([['gid://shopify/LineItem/11', 'gid://shopify/Order/1']]);
  mapper.dispose();
});

test('money: the amount shifted by the currency of its own record; an unknown currency rejects the row with the reason; default fills a missing metric', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string' },
      { name: 'spent', type: 'decimal', source: 'record.amount_spent', money: { currency: 'record.currency', amountIn: 'minor' } },
      { name: 'clicks', type: 'integer', default: 0 },
    ],
  };
  const mapper = new RowMapper(table, facts, {}, '$.table');
  const { rows, rejects } = mapper.map(
    [
      { record: { id: 'us', amount_spent: '123456', currency: 'USD', clicks: 3 }, number: 1 },
      { record: { id: 'jp', amount_spent: '98765', currency: 'JPY' }, number: 2 },
      { record: { id: 'kw', amount_spent: 1500, currency: 'KWD', clicks: null }, number: 3 },
      { record: { id: 'zz', amount_spent: '100', currency: 'ZZZ' }, number: 4 },
    ],
    undefined,
  );
  expect(rows.map((r) => r.slice(0, 3))).toEqual([
    ['us', '1234.56', '3'],
    ['jp', '98765', '0'],
    ['kw', '1.5', '0'],
  ]);
  expect(rejects.map((r) => [r.number, r.reason])).toEqual([[4, 'column "spent": currency "ZZZ" is not an ISO 4217 currency with a minor unit (or one of the column\'s money.exponents)']]);
});
