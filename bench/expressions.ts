/**
 * expressions: what the isolated expression engine costs.
 *   1. One evaluation of `record.a * 2` through ExpressionScope.evaluate, 100,000 times
 *      (what a pagination `next`, a `stop.when` or an `errors.when` pays per page).
 *   2. A page of 10,000 records through the RowMapper with two expression columns beside
 *      three path columns (what toCsv pays per record), narrow and wide records.
 *   3. A page of 10,000 records through one computed column, `record.a * 2` (the issue's
 *      "page of 10,000 records mapped": the expression's cost with the least around it).
 * Each against a plain loop in this process computing the same values with no isolation,
 * so the ratio is the price of isolation. Sizes: DIF_BENCH_EXPRESSION_EVALS (100,000),
 * DIF_BENCH_EXPRESSION_RECORDS (10,000).
 */
import * as expression from '../runtime/expression/expression';
import { RowMapper, type InputRecord } from '../runtime/row-mapper';
import type { TableConfig } from '../core/config-schema';
import { figure, median, progress, type Figure } from './report';

const BENCH = 'expressions';
const EVALS = Number(process.env.DIF_BENCH_EXPRESSION_EVALS ?? 100_000);
const RECORDS = Number(process.env.DIF_BENCH_EXPRESSION_RECORDS ?? 10_000);
const facts = { customer: 'bench', vendor: 'bench', stream: 's', windowFrom: '2026-01-01', windowTo: '2026-01-01', runId: 'r', extractedAt: '2026-01-02T00:00:00.000Z' };

const table: TableConfig = {
  name: 'campaign_daily',
  primaryKey: ['id', 'date'],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'date', type: 'date', source: 'record.stats.day.slice(0, 10)' },
    { name: 'name', type: 'string', source: 'record.campaign.name' },
    { name: 'clicks', type: 'integer', source: 'record.stats.clicks' },
    { name: 'cost', type: 'decimal', source: 'record.stats.cost_micros / 1e6' },
  ],
};

/** Narrow records, or wide ones (30 more fields, as ad-platform report rows have) when `extra`. */
function records(extra = 0): InputRecord[] {
  const more = (i: number) => Object.fromEntries(Array.from({ length: extra }, (_, f) => [`metric_${f}`, `${(i * (f + 1)) % 10007}.${f}`]));
  return Array.from({ length: RECORDS }, (_, i) => ({
    number: i + 1,
    record: { id: String(i), campaign: { name: `Campaign ${i % 97}` }, stats: { day: '2026-11-01T00:00:00Z', clicks: i % 1000, cost_micros: i * 1234 }, ...more(i) },
  }));
}

/** The same cells with no isolation and no checks: the floor a mapper can reach. */
function plainRows(batch: InputRecord[]): unknown[][] {
  return batch.map(({ record }) => {
    const r = record as { id: string; campaign: { name: string }; stats: { day: string; clicks: number; cost_micros: number } };
    return [r.id, r.stats.day.slice(0, 10), r.campaign.name, String(r.stats.clicks), String(r.stats.cost_micros / 1e6)];
  });
}

function microseconds(start: bigint, count: number): number {
  return Number(process.hrtime.bigint() - start) / 1e3 / count;
}

export async function runExpressions(): Promise<Figure[]> {
  // The optional calls (`dispose?.()`) let this same file run against the pre-QuickJS
  // engine (36a16c1), which had no dispose: that is the baseline the closing note compares.
  const scope = new expression.ExpressionScope({ record: { a: 21 } });
  const evalTimes: number[] = [];
  const plainTimes: number[] = [];
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    let start = process.hrtime.bigint();
    for (let i = 0; i < EVALS; i++) sink += scope.evaluate('record.a * 2', '$.bench') as number;
    evalTimes.push(microseconds(start, EVALS));
    const record = { a: 21 };
    start = process.hrtime.bigint();
    for (let i = 0; i < EVALS; i++) sink += JSON.parse(JSON.stringify(record.a * 2)) as number;
    plainTimes.push(microseconds(start, EVALS));
  }
  if (sink !== 2 * 42 * EVALS * 3) throw new Error(`evaluations gave ${sink}, not ${2 * 42 * EVALS * 3}`);
  (scope as { dispose?: () => void }).dispose?.();
  progress(`evaluate: ${median(evalTimes).toFixed(2)} µs, plain ${median(plainTimes).toFixed(3)} µs`);

  const narrow = await mapFigures(records(), 'narrow records, 5 fields');
  const wide = await mapFigures(records(30), 'wide records, 35 fields');
  const single = singleColumnFigure();
  return [
    figure({ bench: BENCH, metric: 'evaluate record.a * 2', unit: 'µs per evaluation', dif: median(evalTimes), baseline: median(plainTimes), baselineName: 'plain loop (JSON round trip, no isolation)', higherIsBetter: false }),
    narrow,
    wide,
    single,
  ];
}

async function mapFigures(batch: InputRecord[], label: string): Promise<Figure> {
  const mapTimes: number[] = [];
  const plainMapTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    const mapper = new RowMapper(table, facts, {}, '$.streams.bench.table');
    let start = process.hrtime.bigint();
    const { rows, rejects } = mapper.map(batch, null);
    mapTimes.push(microseconds(start, RECORDS));
    (mapper as { dispose?: () => void }).dispose?.();
    start = process.hrtime.bigint();
    const plain = plainRows(batch);
    plainMapTimes.push(microseconds(start, RECORDS));
    if (rejects.length || rows.length !== RECORDS || rows[RECORDS - 1][4] !== plain[RECORDS - 1][4]) {
      throw new Error(`mapping gave ${rows.length} rows, ${rejects.length} rejects (${JSON.stringify(rejects[0] ?? rows[RECORDS - 1])})`);
    }
  }
  progress(`map (${label}): ${median(mapTimes).toFixed(3)} µs/record, plain ${median(plainMapTimes).toFixed(3)} µs/record`);
  return figure({ bench: BENCH, metric: `map a page of ${RECORDS} ${label} (2 expression + 3 path columns)`, unit: 'µs per record', dif: median(mapTimes), baseline: median(plainMapTimes), baselineName: 'plain loop computing the same cells', higherIsBetter: false });
}

/** One computed column over `{ a }` records: what evaluating an expression per record costs, with little else. */
function singleColumnFigure(): Figure {
  const oneColumn: TableConfig = { name: 'doubled', primaryKey: ['a2'], columns: [{ name: 'a2', type: 'integer', source: 'record.a * 2' }] };
  const batch: InputRecord[] = Array.from({ length: RECORDS }, (_, i) => ({ number: i + 1, record: { a: i } }));
  const mapTimes: number[] = [];
  const plainTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    const mapper = new RowMapper(oneColumn, facts, {}, '$.streams.bench.table');
    let start = process.hrtime.bigint();
    const { rows } = mapper.map(batch, null);
    mapTimes.push(microseconds(start, RECORDS));
    (mapper as { dispose?: () => void }).dispose?.();
    start = process.hrtime.bigint();
    const plain = batch.map(({ record }) => [String((record as { a: number }).a * 2)]);
    plainTimes.push(microseconds(start, RECORDS));
    if (rows.length !== RECORDS || rows[RECORDS - 1][0] !== plain[RECORDS - 1][0]) throw new Error(`one-column mapping gave ${JSON.stringify(rows[RECORDS - 1])}`);
  }
  progress(`map (one column record.a * 2): ${median(mapTimes).toFixed(3)} µs/record, plain ${median(plainTimes).toFixed(3)} µs/record`);
  return figure({ bench: BENCH, metric: `map a page of ${RECORDS} records through one computed column (record.a * 2)`, unit: 'µs per record', dif: median(mapTimes), baseline: median(plainTimes), baselineName: 'plain loop computing the same cells', higherIsBetter: false });
}
