/**
 * explode: a plain array (as before), the element's index (`indexAs`), and parallel arrays
 * (one array per metric, indexed by day, as X Ads delivers id_data[].metrics), through the
 * pure plan and through the row mapper; validation of the object form by path.
 */
import { explodeItems, explodePlan } from '../../../core/explode';
import type { TableConfig } from '../../../core/config-schema';
import { RowMapper } from '../../../runtime/row-mapper';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const facts = { customer: 'acme', vendor: 'v', stream: 's', windowFrom: '2026-03-07', windowTo: '2026-03-09', runId: 'r1', extractedAt: '2026-01-03T00:00:00.000Z' };

describe('explodeItems', () => {
  test('a plain path: the elements as they are; missing or not an array: none', () => {
    const plan = explodePlan('record.days')!;
    expect(explodeItems({ days: [{ a: 1 }, { a: 2 }] }, plan)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(explodeItems({}, plan)).toEqual([]);
    expect(explodeItems({ days: { a: 1 } }, plan)).toEqual([]);
  });

  test('indexAs: each element with its 0-based index; a scalar element becomes value beside it', () => {
    const plan = explodePlan({ path: 'record.days', indexAs: 'i' })!;
    expect(explodeItems({ days: [{ a: 1 }, { a: 2, i: 'mine' }, 7, null] }, plan)).toEqual([
      { a: 1, i: 0 },
      { a: 2, i: 1 },
      { value: 7, i: 2 },
      { value: null, i: 3 },
    ]);
  });

  test('parallel arrays: one item per index, null where an array is null or shorter, a scalar in every item', () => {
    const plan = explodePlan({ path: 'record.id_data[0].metrics', parallel: true, indexAs: 'day' })!;
    const record = { id_data: [{ metrics: { impressions: [1, 2, 3], clicks: [3, 4], likes: null, unit: 'x' } }] };
    expect(explodeItems(record, plan)).toEqual([
      { impressions: 1, clicks: 3, likes: null, unit: 'x', day: 0 },
      { impressions: 2, clicks: 4, likes: null, unit: 'x', day: 1 },
      { impressions: 3, clicks: null, likes: null, unit: 'x', day: 2 },
    ]);
  });

  test('parallel: no array at all, or not an object, gives no row', () => {
    const plan = explodePlan({ path: 'record.m', parallel: true })!;
    expect(explodeItems({ m: { a: null, b: null } }, plan)).toEqual([]);
    expect(explodeItems({ m: [1, 2] }, plan)).toEqual([]);
    expect(explodeItems({}, plan)).toEqual([]);
  });
});

test('row mapper: parallel metrics become one row per day, the date from the index, a missing metric its default', () => {
  const table: TableConfig = {
    name: 't',
    primaryKey: ['id', 'date'],
    explode: { path: 'record.metrics', parallel: true, indexAs: 'day_index' },
    columns: [
      { name: 'id', type: 'string', source: 'record.id' },
      { name: 'date', type: 'date', source: 'new Date(Date.parse(window.from) + item.day_index * 86400000).toISOString().slice(0, 10)' },
      { name: 'impressions', type: 'integer', source: 'item.impressions', default: 0 },
      { name: 'clicks', type: 'integer', source: 'item.clicks', default: 0 },
    ],
  };
  const mapper = new RowMapper(table, facts, { window: { from: '2026-03-07', to: '2026-03-09' } }, '$.table');
  try {
    const { rows, rejects } = mapper.map([{ record: { id: 'c1', metrics: { impressions: [10, null, 30], clicks: null } }, number: 1 }], undefined);
    expect(rejects).toEqual([]);
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['c1', '2026-03-07', '10', '0'],
      ['c1', '2026-03-08', '0', '0'],
      ['c1', '2026-03-09', '30', '0'],
    ]);
  } finally {
    mapper.dispose();
  }
});

describe('validation of the object form names the path', () => {
  const at = '$.streams.campaign_daily.table.explode';
  test.each<[string, unknown, string]>([
    ['a path not from record', { path: 'response.data', parallel: true }, `${at}.path`],
    ['an unknown field', { path: 'record.days', each: true }, `${at}.each`],
    ['an index name that is no field name', { path: 'record.days', indexAs: 'day index' }, `${at}.indexAs`],
  ])('%s', (_label, explode, where) => {
    const config = demoConfig();
    config.streams.campaign_daily.table.explode = explode;
    expect(problemsOf(config).map((p) => p.path)).toEqual([where]);
  });
});
