import { keyOfUrl, manifestOf, outputKeys, rejectsVerdict, summaryKeyOf } from '../../../core/output-plan';
import { parsePath, readPath } from '../../../core/source-path';

test('keys of a run are fixed by its prefix, and the manifest is Redshift\'s format', () => {
  const keys = outputKeys('csv/v/c/s/2026-01-01..2026-01-02/run1');
  expect(keys.part(3)).toBe('csv/v/c/s/2026-01-01..2026-01-02/run1/part-000003.csv.gz');
  expect(summaryKeyOf(keys.manifest)).toBe(keys.summary);
  expect(manifestOf('s3://bucket', [keys.part(1), keys.part(2)])).toEqual({
    entries: [
      { url: 's3://bucket/csv/v/c/s/2026-01-01..2026-01-02/run1/part-000001.csv.gz', mandatory: true },
      { url: 's3://bucket/csv/v/c/s/2026-01-01..2026-01-02/run1/part-000002.csv.gz', mandatory: true },
    ],
  });
  expect(keyOfUrl('s3://bucket', 's3://bucket/a/b.gz')).toBe('a/b.gz');
  expect(() => keyOfUrl('s3://bucket', 's3://other/a')).toThrow('not in s3://bucket');
});

test('rejects fail the run only past the threshold', () => {
  expect(rejectsVerdict(undefined, 0, 10)).toBeUndefined();
  expect(rejectsVerdict(undefined, 1, 10)).toMatch(/1 of 10 row\(s\) rejected \(10.00%\), more than the table allows \(0 row\(s\)\)/);
  expect(rejectsVerdict({ maxRows: 2 }, 2, 10)).toBeUndefined();
  expect(rejectsVerdict({ maxRows: 2 }, 3, 10)).toBeDefined();
  expect(rejectsVerdict({ maxPercent: 5 }, 5, 100)).toBeUndefined();
  expect(rejectsVerdict({ maxPercent: 5 }, 6, 100)).toMatch(/0 row\(s\) or 5%/);
});

test('plain paths are recognised; anything else is an expression', () => {
  expect(parsePath('response.data', ['response'])).toEqual({ root: 'response', keys: ['data'] });
  expect(parsePath('response', ['response'])).toEqual({ root: 'response', keys: [] });
  expect(parsePath('response["x-y"][0].z', ['response'])).toEqual({ root: 'response', keys: ['x-y', '0', 'z'] });
  expect(parsePath('response.data.filter(r => r.x)', ['response'])).toBeUndefined();
  expect(parsePath('record.a', ['response'])).toBeUndefined();
  expect(readPath({ a: { b: [1, 2] } }, ['a', 'b', '1'])).toBe(2);
  expect(readPath({ a: null }, ['a', 'b'])).toBeUndefined();
});
