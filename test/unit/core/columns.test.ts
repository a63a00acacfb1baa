/**
 * toCell: a column's value → the CSV cell text, checked against the declared type. A bad
 * value must fail here, naming the column, rather than later inside the warehouse COPY.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ColumnValueError, columnSource, isIsoDay, toCell } from '../../../core/columns';
import type { ColumnConfig, ColumnTypeName } from '../../../core/config-schema';
import { runNode, transpileToTemp } from '../helpers/child-node';

const col = (type: ColumnTypeName, extra: Partial<ColumnConfig> = {}): ColumnConfig => ({ name: 'metric', type, ...extra });

/** The error toCell throws, asserting it is a ColumnValueError. */
function cellError(value: unknown, column: ColumnConfig): ColumnValueError {
  try {
    toCell(value, column);
  } catch (e) {
    expect(e).toBeInstanceOf(ColumnValueError);
    return e as ColumnValueError;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected as ${column.type}`);
}

describe('columnSource', () => {
  test('defaults to the record field of the same name, safely quoted', () => {
    expect(columnSource({ name: 'clicks', type: 'integer' })).toBe('record["clicks"]');
  });
  test('uses the configured source when there is one', () => {
    expect(columnSource({ name: 'spend', type: 'decimal', source: 'record.spend_micros / 1e6' })).toBe('record.spend_micros / 1e6');
  });
});

describe('toCell: missing values', () => {
  test.each([undefined, null, ''])('%j is an empty (null) cell for a nullable column', (value) => {
    expect(toCell(value, col('string'))).toBeNull();
    expect(toCell(value, col('integer'))).toBeNull();
    expect(toCell(value, col('date', { nullable: true }))).toBeNull();
  });

  test.each([undefined, null, ''])('%j in a nullable:false column is an error naming the column', (value) => {
    const error = cellError(value, { name: 'campaign_id', type: 'string', nullable: false });
    expect(error.column).toBe('campaign_id');
    expect(error.message).toBe('column "campaign_id": is required but missing');
    expect(error.name).toBe('ColumnValueError');
  });

  test('falsy but present values are not "missing"', () => {
    expect(toCell(0, col('integer', { nullable: false }))).toBe('0');
    expect(toCell(false, col('boolean', { nullable: false }))).toBe('false');
  });
});

describe('toCell: types', () => {
  test('string: anything present becomes its text', () => {
    expect(toCell('hello', col('string'))).toBe('hello');
    expect(toCell(5, col('string'))).toBe('5');
    expect(toCell(true, col('string'))).toBe('true');
  });

  test.each([
    [5, '5'],
    ['-12', '-12'],
    ['007', '007'],
    [1.0, '1'],
  ])('integer: %j → %j', (value, cell) => {
    expect(toCell(value, col('integer'))).toBe(cell);
  });

  // Surrounding spaces are trimmed (vendors' CSV exports pad numbers): ' 5' is 5.
  test.each([' 5', '5 '])('integer: %j is trimmed to 5', (value) => {
    expect(toCell(value, col('integer'))).toBe('5');
  });

  test.each(['1.5', 1.5, '1e3', 1e21, 'abc', '--1', '0x10'])('integer: %j is rejected', (value) => {
    expect(cellError(value, col('integer')).message).toBe(`column "metric": ${JSON.stringify(value)} is not an integer`);
  });

  test.each([
    ['1.5', '1.5'],
    [1.5, '1.5'],
    ['-0.25', '-0.25'],
    ['.5', '.5'],
    ['1e3', '1e3'],
    ['2.5E-4', '2.5E-4'],
    [42, '42'],
  ])('decimal: %j → %j', (value, cell) => {
    expect(toCell(value, col('decimal'))).toBe(cell);
  });

  test.each(['abc', '-', '1,5', '1.2.3', 'e5'])('decimal: %j is rejected', (value) => {
    expect(cellError(value, col('decimal')).message).toBe(`column "metric": ${JSON.stringify(value)} is not a decimal number`);
  });

  test('decimal: NaN and Infinity are rejected', () => {
    expect(() => toCell(NaN, col('decimal'))).toThrow(ColumnValueError);
    expect(() => toCell(Infinity, col('decimal'))).toThrow(ColumnValueError);
  });

  // The message is built with JSON.stringify(value), which prints NaN and Infinity as
  // `null`: the operator reads `null is not a decimal number` for a value that was not null.
  test('decimal: the message for NaN shows NaN, not null', () => {
    expect(cellError(NaN, col('decimal')).message).toContain('NaN');
  });

  test.each([
    [true, 'true'],
    ['true', 'true'],
    [1, 'true'],
    ['1', 'true'],
    [false, 'false'],
    ['false', 'false'],
    [0, 'false'],
    ['0', 'false'],
  ])('boolean: %j → %j', (value, cell) => {
    expect(toCell(value, col('boolean'))).toBe(cell);
  });

  test('boolean: TRUE and FALSE in capitals are read too', () => {
    expect(toCell('TRUE', col('boolean'))).toBe('true');
    expect(toCell('False', col('boolean'))).toBe('false');
  });

  test.each(['yes', 2, 't'])('boolean: %j is rejected', (value) => {
    expect(cellError(value, col('boolean')).message).toBe(`column "metric": ${JSON.stringify(value)} is not a boolean`);
  });

  test('date: YYYY-MM-DD passes through', () => {
    expect(toCell('2026-11-01', col('date'))).toBe('2026-11-01');
    expect(toCell('2024-02-29', col('date'))).toBe('2024-02-29');
  });

  test.each(['2024/01/01', '2024-1-1', '2024-13-01', '2024-01-01T00:00:00Z', 'today'])('date: %j is rejected', (value) => {
    expect(cellError(value, col('date')).message).toBe(`column "metric": ${JSON.stringify(value)} is not a date (YYYY-MM-DD)`);
  });

  // V8's Date.parse rolls impossible days over (2024-02-30 → 2024-03-01) instead of
  // returning NaN, so the check passes and the warehouse COPY fails later with an error that
  // does not name the record (columns.ts, the 'date' case).
  test('date: the fast day check (isIsoDay) agrees with the Date round trip on every day of 0000-9999 shapes tried', () => {
    const roundTrip = (text: string) => {
      const day = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
      return !!day && !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
    };
    const texts: string[] = [' 2024-01-01', '2024-01-01 ', '2024-1-01', '2024-01-1x', '２０２４-01-01', '2024_01_01', '+02024-01-01', ''];
    for (const year of ['0000', '0001', '1582', '1900', '2000', '2023', '2024', '2100', '2400', '9999'])
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++) texts.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    for (const text of texts) expect([text, isIsoDay(text)]).toEqual([text, roundTrip(text)]);
  });

  test.each(['2024-02-30', '2023-02-29', '2024-04-31'])('date: the impossible day %j is rejected', (value) => {
    expect(() => toCell(value, col('date'))).toThrow(ColumnValueError);
  });

  test('timestamp: normalised to UTC ISO-8601', () => {
    expect(toCell('2024-01-01T01:02:03+02:00', col('timestamp'))).toBe('2023-12-31T23:02:03.000Z');
    expect(toCell('2024-01-01T00:00:00Z', col('timestamp'))).toBe('2024-01-01T00:00:00.000Z');
    expect(toCell('2024-01-01', col('timestamp'))).toBe('2024-01-01T00:00:00.000Z');
  });

  test('timestamp: garbage is rejected', () => {
    expect(cellError('nope', col('timestamp')).message).toBe('column "metric": "nope" is not a timestamp');
  });

  // Date.parse's legacy fallback reads a bare number as a month of 2001/2000: "12" becomes
  // 2001-12-01T00:00:00Z and the number 0 becomes 2000-01-01. These are silently wrong rows.
  test.each(['12', '0', 0, 'Foo 5'])('timestamp: %j is rejected, not read as a date in 2000/2001', (value) => {
    expect(() => toCell(value, col('timestamp'))).toThrow(ColumnValueError);
  });

  // A timestamp without an offset is read in the worker's local time zone by Date.parse, so
  // the same record gives different rows on workers in different zones. Expected: the same
  // cell whatever the process's TZ. (Run in child processes: TZ must be set at start-up.)
  describe('timestamp without an offset', () => {
    let dir: string;
    beforeAll(() => {
      dir = transpileToTemp(['core/columns', 'core/decimal-shift']);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    const cellIn = (tz: string, value: string): string => {
      const modulePath = path.join(dir, 'core', 'columns.js');
      const r = runNode(
        `const { toCell } = require(${JSON.stringify(modulePath)});
         process.stdout.write(String(toCell(${JSON.stringify(value)}, { name: 'ts', type: 'timestamp' })));`,
        { env: { TZ: tz } },
      );
      expect(r.status).toBe(0);
      return r.stdout;
    };

    test('the child harness works: an explicit offset is the same everywhere', () => {
      expect(cellIn('UTC', '2024-01-01T10:00:00Z')).toBe('2024-01-01T10:00:00.000Z');
      expect(cellIn('America/New_York', '2024-01-01T10:00:00Z')).toBe('2024-01-01T10:00:00.000Z');
    });

    test('gives the same cell whatever the worker time zone', () => {
      expect(cellIn('America/New_York', '2024-01-01T10:00:00')).toBe(cellIn('UTC', '2024-01-01T10:00:00'));
    });
  });

  test('an unknown type is an error naming the column', () => {
    expect(cellError('x', { name: 'c', type: 'money' as ColumnTypeName }).message).toBe('column "c": unknown type "money"');
  });

  test('every error names the column it was about', () => {
    const error = cellError('abc', { name: 'impressions', type: 'integer' });
    expect(error.column).toBe('impressions');
    expect(error.message).toMatch(/^column "impressions": /);
  });
});
