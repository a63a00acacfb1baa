/**
 * Column `default` (a value for a source that yields nothing) and `money` (amounts shifted
 * by their currency's ISO 4217 minor unit): the pure cell rules, the decimal shift under
 * them, and what validation says, by path, of the combinations that cannot work.
 */
import { ColumnValueError, toCell } from '../../../core/columns';
import type { ColumnConfig } from '../../../core/config-schema';
import { ISO_4217_MINOR_UNITS, minorUnitOf } from '../../../core/currency-exponents';
import { shiftDecimal, shiftIntegerDown } from '../../../core/decimal-shift';
import { moneyValue, type MoneyConfig } from '../../../core/money';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const TABLE = '$.streams.campaign_daily.table';

function thrown(fn: () => unknown): ColumnValueError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ColumnValueError);
    return e as ColumnValueError;
  }
  throw new Error('expected a ColumnValueError');
}

describe('default', () => {
  const clicks: ColumnConfig = { name: 'clicks', type: 'integer', default: 0 };
  test.each([undefined, null, ''])('%j becomes the default, as the column type writes it', (value) => {
    expect(toCell(value, clicks)).toBe('0');
    expect(toCell(value, { name: 'spend', type: 'decimal', default: '0.50', format: 'micros' })).toBe('0.50');
    expect(toCell(value, { name: 'day', type: 'date', default: '2026-01-31', format: 'MM/DD/YYYY' })).toBe('2026-01-31');
    expect(toCell(value, { name: 'active', type: 'boolean', default: false, nullable: false })).toBe('false');
  });
  test('a present value is untouched, 0 included', () => {
    expect(toCell(7, clicks)).toBe('7');
    expect(toCell(0, { ...clicks, default: 5 })).toBe('0');
  });
  test('without a default, a missing value is still null or refused', () => {
    expect(toCell(undefined, { name: 'clicks', type: 'integer' })).toBeNull();
    expect(thrown(() => toCell(undefined, { name: 'clicks', type: 'integer', nullable: false })).message).toBe('column "clicks": is required but missing');
  });
});

describe('shiftDecimal', () => {
  test.each<[string, number, string]>([
    ['1500000', -6, '1.5'],
    ['199', -2, '1.99'],
    ['5', -2, '0.05'],
    ['-5', -3, '-0.005'],
    ['12.34', 2, '1234'],
    ['12.3', 3, '12300'],
    ['0.001', 3, '1'],
    ['1.005', 2, '100.5'],
    ['1000', 0, '1000'],
    ['007.50', 0, '7.5'],
  ])('%s × 10^%i = %s', (text, places, expected) => {
    expect(shiftDecimal(text, places)).toBe(expected);
  });
  test('not a number: undefined', () => {
    expect(shiftDecimal('abc', 2)).toBeUndefined();
    expect(shiftDecimal('', -2)).toBeUndefined();
  });
});

describe('shiftIntegerDown (the fast path of micros, cents and percent cells of integers)', () => {
  const edges = [0, -0, 1, -1, 5, -5, 10, 99, 100, 101, 999_999, 1_000_000, -1_000_000, 1_000_001, 1_500_000, 120_000_000, -123_456_789, 2 ** 53 - 1, -(2 ** 53 - 1)];
  test.each([2, 6])('equals shiftDecimal of the integer text, places %i', (places) => {
    const randoms = Array.from({ length: 2000 }, (_, i) => Math.round((Math.random() - 0.5) * 10 ** (i % 16)));
    for (const n of [...edges, ...randoms]) expect([n, shiftIntegerDown(n, places)]).toEqual([n, shiftDecimal(String(n), -places)]);
  });
  test('a decimal column with a number format gives the same cell through either path', () => {
    const micros: ColumnConfig = { name: 'spend', type: 'decimal', format: 'micros' };
    expect(toCell(1_500_000, micros)).toBe('1.5');
    expect(toCell(-5, micros)).toBe('-0.000005');
    expect(toCell('1500000', micros)).toBe('1.5');
    expect(toCell(2.5, micros)).toBe('0.0000025');
  });
});

describe('ISO 4217 minor units', () => {
  test.each([['JPY', 0], ['KRW', 0], ['USD', 2], ['EUR', 2], ['HUF', 2], ['KWD', 3], ['BHD', 3], ['CLF', 4]])('%s has %i decimal places', (code, places) => {
    expect(minorUnitOf(code as string)).toBe(places);
  });
  test('codes without a minor unit (gold, SDR) and made-up codes are unknown', () => {
    for (const code of ['XAU', 'XDR', 'XTS', 'ABC', 'usd']) expect(minorUnitOf(code)).toBeUndefined();
  });
  test("a vendor's own table wins over ISO's", () => {
    expect(minorUnitOf('HUF', { HUF: 0 })).toBe(0);
    expect(minorUnitOf('USD', { HUF: 0 })).toBe(2);
  });
  test('every code is three capitals with 0 to 4 places', () => {
    expect(ISO_4217_MINOR_UNITS.size).toBeGreaterThan(150);
    for (const [code, places] of ISO_4217_MINOR_UNITS) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(places);
    }
  });
});

describe('moneyValue', () => {
  const minor: MoneyConfig = { currency: 'record.currency', amountIn: 'minor' };
  const major: MoneyConfig = { currency: 'record.currency', amountIn: 'major' };
  test.each<[unknown, string, string]>([
    ['123456', 'USD', '1234.56'],
    [123456, 'JPY', '123456'],
    ['1500', 'KWD', '1.5'],
    [5, 'eur', '0.05'],
    ['-250', 'GBP', '-2.5'],
  ])('minor %j %s → %s major', (value, currency, expected) => {
    expect(moneyValue(value, currency, minor, 'spent')).toBe(expected);
  });
  test.each<[unknown, string, string]>([
    ['12.34', 'USD', '1234'],
    [500, 'JPY', '500'],
    ['1.5', 'KWD', '1500'],
  ])('major %j %s → %s minor', (value, currency, expected) => {
    expect(moneyValue(value, currency, major, 'spent')).toBe(expected);
  });
  test('an empty amount stays empty, whatever the currency', () => {
    expect(moneyValue(null, undefined, minor, 'spent')).toBeNull();
    expect(moneyValue('', 'XYZ', minor, 'spent')).toBe('');
  });
  test('an unknown or missing currency is refused with the reason, never shifted by a guess', () => {
    const unknown = thrown(() => moneyValue('100', 'XYZ', minor, 'spent'));
    expect(unknown.column).toBe('spent');
    expect(unknown.message).toBe('column "spent": currency "XYZ" is not an ISO 4217 currency with a minor unit (or one of the column\'s money.exponents)');
    expect(thrown(() => moneyValue('100', undefined, minor, 'spent')).message).toBe('column "spent": amount "100" has no currency (record.currency is empty)');
    expect(thrown(() => moneyValue('100', 'XAU', minor, 'spent')).message).toMatch(/currency "XAU" is not/);
  });
  test('fractions of a minor unit, or more decimals than the currency has, are refused', () => {
    expect(thrown(() => moneyValue('12.5', 'USD', minor, 'spent')).message).toBe('column "spent": "12.5" is not a whole number of USD minor units');
    expect(moneyValue('1200.00', 'USD', minor, 'spent')).toBe('12');
    expect(thrown(() => moneyValue('1.5', 'JPY', major, 'spent')).message).toBe('column "spent": "1.5" has more decimals than JPY\'s 0');
    expect(thrown(() => moneyValue('ten', 'USD', major, 'spent')).message).toBe('column "spent": "ten" is not an amount in USD major units');
  });
  test("the column's exponents replace ISO's for the currencies they name", () => {
    expect(moneyValue('5000', 'HUF', { ...minor, exponents: { HUF: 0 } }, 'spent')).toBe('5000');
    expect(moneyValue('5000', 'HUF', minor, 'spent')).toBe('50');
  });
});

describe('validation names the path of each mistake', () => {
  function withColumn(column: Record<string, unknown>): any {
    const config = demoConfig();
    config.streams.campaign_daily.table.columns.push(column);
    return config;
  }
  const at = () => `${TABLE}.columns[${demoConfig().streams.campaign_daily.table.columns.length}]`;

  test.each<[string, Record<string, unknown>, string, string]>([
    ['a default of another type', { name: 'x', type: 'integer', default: 'zero' }, 'default', '"zero" is not a value of a integer column'],
    ['a date default that is no date', { name: 'x', type: 'date', default: '2026-02-30' }, 'default', '"2026-02-30" is not a value of a date column'],
    ['a default with required', { name: 'x', type: 'integer', default: 0, required: true }, 'default', 'a column with a default may be absent from the input, so it cannot also be `required`: drop one of them'],
    ['a default on a metadata column', { name: 'x', type: 'string', metadata: 'vendor', default: 'v' }, 'default', 'a metadata column is always filled from the run: it takes no default'],
    ['a default on a pii column', { name: 'x', type: 'string', pii: { kind: 'email' }, default: 'a@b.c' }, 'default', expect.stringMatching(/^a personal \(pii\) column takes no default/) as unknown as string],
    ['money with a format', { name: 'x', type: 'decimal', format: 'cents', money: { currency: 'record.c', amountIn: 'minor' } }, 'format', 'a money column is converted by its currency: it takes no format'],
    ['money minor into an integer column', { name: 'x', type: 'integer', money: { currency: 'record.c', amountIn: 'minor' } }, 'type', 'a money column with amountIn "minor" holds major units: type must be decimal'],
    ['money major into a decimal column', { name: 'x', type: 'decimal', money: { currency: 'record.c', amountIn: 'major' } }, 'type', 'a money column with amountIn "major" holds minor units: type must be integer'],
  ])('%s', (_label, column, field, message) => {
    const problems = problemsOf(withColumn(column));
    expect(problems).toEqual([{ path: `${at()}.${field}`, message }]);
  });

  test('schema: a currency that is not a path, an exponent out of range', () => {
    const problems = problemsOf(withColumn({ name: 'x', type: 'decimal', money: { currency: 'record.c || "USD"', amountIn: 'minor', exponents: { HUF: 7 } } }));
    expect(problems.map((p) => p.path)).toEqual([`${at()}.money.currency`, `${at()}.money.exponents.HUF`]);
  });

  test('a default that fits, and a money column that fits, validate', () => {
    const config = withColumn({ name: 'x', type: 'integer', default: 0, description: 'Zero when the vendor leaves it out.' });
    config.streams.campaign_daily.table.columns.push({ name: 'y', type: 'decimal', money: { currency: 'record.currency', amountIn: 'minor', exponents: { HUF: 0 } } });
    expect(() => problemsOf(config)).toThrow('expected the config to be rejected, but it validated');
  });
});
