import { checkVerdict, dataCheckProblems } from '../../../core/data-checks';
import { DataCheckError } from '../../../core/errors';
import { failureOf } from '../../../core/errors';
import type { TableConfig } from '../../../core/config-schema';
import type { ConfigProblem } from '../../../core/validate';

const where = 'data check on dif.ads';

test('rowCount holds within its range of the previous load, and without a previous load', () => {
  const check = { kind: 'rowCount' as const, minRatio: 0.5, maxRatio: 2, on: 'warn' as const };
  expect(checkVerdict(check, { kind: 'rowCount', staged: 100 }, where)).toBeUndefined();
  expect(checkVerdict(check, { kind: 'rowCount', staged: 150, previous: 100 }, where)).toBeUndefined();
  expect(checkVerdict(check, { kind: 'rowCount', staged: 40, previous: 100 }, where)).toBe("data check on dif.ads: 40 rows staged, 0.40× the previous load's 100 (allowed 0.5×–2×)");
  expect(checkVerdict(check, { kind: 'rowCount', staged: 201, previous: 100 }, where)).toBe("data check on dif.ads: 201 rows staged, 2.01× the previous load's 100 (allowed 0.5×–2×)");
  expect(checkVerdict({ kind: 'rowCount', minRatio: 0.9, on: 'fail' }, { kind: 'rowCount', staged: 1000, previous: 10 }, where)).toBeUndefined();
});

test('notNull names each column with nulls and how many', () => {
  const check = { kind: 'notNull' as const, columns: ['a', 'b'], on: 'fail' as const };
  expect(checkVerdict(check, { kind: 'notNull', nulls: { a: 0, b: 0 } }, where)).toBeUndefined();
  expect(checkVerdict(check, { kind: 'notNull', nulls: { a: 2, b: 0 } }, where)).toBe('data check on dif.ads: 2 row(s) with a null');
});

test('a failed check is a DataError: no retry can fix it', () => {
  expect(failureOf(new DataCheckError('x'))).toEqual({ type: 'DataError', retryable: false });
});

test('config problems: unknown columns, a rowCount without a range, an empty range', () => {
  const table = { name: 'ads', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] } as TableConfig;
  const out: ConfigProblem[] = [];
  dataCheckProblems(table, [
    { kind: 'notNull', columns: ['id', 'spend'], on: 'warn' },
    { kind: 'rowCount', on: 'warn' },
    { kind: 'rowCount', minRatio: 3, maxRatio: 2, on: 'fail' },
  ], '$.streams.ads.table.load.checks', out);
  expect(out).toEqual([
    { path: '$.streams.ads.table.load.checks[0].columns[1]', message: '"spend" is not one of the table\'s columns' },
    { path: '$.streams.ads.table.load.checks[1]', message: 'a rowCount check needs minRatio, maxRatio or both' },
    { path: '$.streams.ads.table.load.checks[2]', message: 'minRatio 3 is above maxRatio 2: no count passes' },
  ]);
});

test('sum holds within its tolerance of the vendor\'s total, and when the vendor gave none; its column is numeric and its total read by a step', () => {
  const check = { kind: 'sum' as const, column: 'spend', total: 'spend', tolerance: 0.01, on: 'fail' as const };
  expect(checkVerdict(check, { kind: 'sum', sum: 100.005, total: 100 }, where)).toBeUndefined();
  expect(checkVerdict(check, { kind: 'sum', sum: 100 }, where)).toBeUndefined();
  expect(checkVerdict(check, { kind: 'sum', sum: 90, total: 100 }, where)).toBe("data check on dif.ads: sum of spend is 90, the vendor's total spend is 100 (off by 10, tolerance 0.01)");
  expect(checkVerdict({ ...check, tolerance: undefined }, { kind: 'sum', sum: 100.001, total: 100 }, where)).toBe("data check on dif.ads: sum of spend is 100.001, the vendor's total spend is 100 (off by 0.001, tolerance 0)");
  const table: TableConfig = { name: 'ads', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'spend', type: 'decimal' }] };
  const out: ConfigProblem[] = [];
  dataCheckProblems(table, [check, { ...check, column: 'id', total: 'cost' }, { ...check, column: 'clicks' }], '$.load.checks', out, ['spend']);
  expect(out).toEqual([
    { path: '$.load.checks[1].column', message: 'column "id" is of type string; a sum needs an integer or decimal column' },
    { path: '$.load.checks[1].total', message: 'no step of the stream reads a total "cost" (its totals: spend)' },
    { path: '$.load.checks[2].column', message: '"clicks" is not one of the table\'s columns' },
  ]);
});
