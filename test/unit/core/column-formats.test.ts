/**
 * Column typing and formats: what a CSV cell holds for each type and format, and the
 * message naming the column when a value is bad (its row goes to the rejects file).
 */
import { checkFormat, toCell } from '../../../core/columns';
import type { ColumnConfig } from '../../../core/config-schema';

const col = (type: ColumnConfig['type'], extra: Partial<ColumnConfig> = {}): ColumnConfig => ({ name: 'c', type, ...extra });

test.each([
  ['decimal', 'micros', 1_500_000, '1.5'],
  ['decimal', 'micros', '123', '0.000123'],
  ['decimal', 'micros', -2_000_000, '-2'],
  ['decimal', 'micros', '12345678901234567890', '12345678901234.56789'],
  ['decimal', 'cents', 1999, '19.99'],
  ['decimal', 'percent', '12.5%', '0.125'],
  ['decimal', 'percent', 7, '0.07'],
  ['integer', 'micros', 3_000_000, '3'],
  ['date', 'MM/DD/YYYY', '11/05/2026', '2026-11-05'],
  ['date', 'YYYYMMDD', '20261105', '2026-11-05'],
  ['date', 'DD.MM.YYYY', '5.11.2026', '2026-11-05'],
  ['date', 'epoch_seconds', 1_793_836_800, '2026-11-05'],
  ['timestamp', 'YYYY-MM-DD HH:mm:ss', '2026-11-05 13:04:05', '2026-11-05T13:04:05.000Z'],
  ['timestamp', 'epoch_millis', 1_793_836_800_000, '2026-11-05T00:00:00.000Z'],
  ['timestamp', undefined, '2026-11-05T01:00:00+01:00', '2026-11-05T00:00:00.000Z'],
  ['boolean', 'yes_no', 'Yes', 'true'],
  ['boolean', undefined, 0, 'false'],
  ['string', undefined, ' keep spaces ', ' keep spaces '],
] as const)('%s with format %s: %j → %s', (type, format, value, cell) => {
  expect(toCell(value, col(type, format ? { format } : {}))).toBe(cell);
});

test.each([
  ['integer', undefined, '1.5', /column "c": "1.5" is not an integer/],
  ['integer', 'micros', 1_500_000, /is not an integer \(format micros\)/],
  ['decimal', 'percent', 'n/a', /is not a number \(format percent\)/],
  ['date', undefined, '2026-13-01', /is not a date \(YYYY-MM-DD\)/],
  ['date', 'MM/DD/YYYY', '02/31/2026', /is not a date \(MM\/DD\/YYYY\)/],
  ['timestamp', undefined, 'yesterday', /is not a timestamp/],
  ['boolean', undefined, 'yes', /is not a boolean/],
] as const)('%s with format %s refuses %j', (type, format, value, message) => {
  expect(() => toCell(value, col(type, format ? { format } : {}))).toThrow(message);
});

test('an empty value is null, unless the column is not nullable', () => {
  expect(toCell('', col('integer'))).toBeNull();
  expect(toCell(undefined, col('date'))).toBeNull();
  expect(() => toCell(null, col('string', { nullable: false }))).toThrow('column "c": is required but missing');
});

test('a format that does not fit the type is a config error', () => {
  expect(() => checkFormat(col('string', { format: 'micros' }))).toThrow('format "micros" does not apply to a string column');
  expect(() => checkFormat(col('date', { format: 'percent' }))).toThrow();
  expect(() => checkFormat(col('date', { format: 'DD/MM/YYYY' }))).not.toThrow();
});
