/**
 * The `dates` helpers of the expression engine: local midnight in an account's time zone
 * across DST changes (America/Los_Angeles 2026-03-08 and 2026-11-01, Europe/Berlin
 * 2026-03-29 and 2026-10-25), a midnight that does not exist (America/Santiago's spring
 * change at 24:00), end-exclusive windows, whole hours. QuickJS has no Intl: the offset
 * comes from the host (zone-offset.js) through one numbers-only function.
 */
import { ExpressionScope } from '../../../runtime/expression/expression';
import { ExpressionError } from '../../../core/errors';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { zoneOffsetMinutes } = require('../../../runtime/expression/zone-offset') as { zoneOffsetMinutes: (zone: string, ms: number) => number };

let scope: ExpressionScope;
beforeAll(() => {
  scope = new ExpressionScope({ window: { from: '2026-03-07', to: '2026-03-09' }, inputs: { tz: 'America/Los_Angeles' } });
});
afterAll(() => scope.dispose());
const ev = (expression: string) => scope.evaluate(expression, '$.test');

describe('zoneOffsetMinutes (host)', () => {
  test('Los Angeles: -480 in winter, -420 in summer; Tokyo +540; Kolkata +330', () => {
    expect(zoneOffsetMinutes('America/Los_Angeles', Date.UTC(2026, 0, 15))).toBe(-480);
    expect(zoneOffsetMinutes('America/Los_Angeles', Date.UTC(2026, 6, 15))).toBe(-420);
    expect(zoneOffsetMinutes('Asia/Tokyo', Date.UTC(2026, 6, 15))).toBe(540);
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.UTC(2026, 6, 15))).toBe(330);
  });
  test('an unknown zone or a bad instant is a RangeError naming it', () => {
    expect(() => zoneOffsetMinutes('Mars/Olympus', 0)).toThrow('"Mars/Olympus" is not an IANA time zone');
    expect(() => zoneOffsetMinutes('UTC', Number.NaN)).toThrow('the instant is not a valid time');
  });
});

describe('dates in the engine', () => {
  test.each<[string, string, string, number]>([
    // day, zone, local midnight in UTC, hours in that local day
    ['2026-03-07', 'America/Los_Angeles', '2026-03-07T08:00:00.000Z', 24],
    ['2026-03-08', 'America/Los_Angeles', '2026-03-08T08:00:00.000Z', 23], // springs forward at 02:00
    ['2026-03-09', 'America/Los_Angeles', '2026-03-09T07:00:00.000Z', 24],
    ['2026-11-01', 'America/Los_Angeles', '2026-11-01T07:00:00.000Z', 25], // falls back at 02:00
    ['2026-11-02', 'America/Los_Angeles', '2026-11-02T08:00:00.000Z', 24],
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z', 23],
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z', 24],
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z', 25],
    ['2026-07-01', 'Asia/Tokyo', '2026-06-30T15:00:00.000Z', 24],
    ['2026-07-01', 'UTC', '2026-07-01T00:00:00.000Z', 24],
  ])('%s in %s starts at %s and has %i hours', (day, zone, midnight, hours) => {
    expect(ev(`dates.startOfDay(${JSON.stringify(day)}, ${JSON.stringify(zone)})`)).toBe(midnight);
    expect(ev(`dates.hoursInDay(${JSON.stringify(day)}, ${JSON.stringify(zone)})`)).toBe(hours);
  });

  test('a midnight that does not exist starts the day when the gap ends (Santiago, 2026-09-06 00:00 → 01:00)', () => {
    expect(ev('dates.startOfDay("2026-09-06", "America/Santiago")')).toBe('2026-09-06T04:00:00.000Z');
    expect(ev('dates.localTime(dates.startOfDay("2026-09-06", "America/Santiago"), "America/Santiago")')).toBe('2026-09-06T01:00:00-03:00');
  });

  test('a midnight that happens twice starts the day at the first (Havana falls back from 01:00 to 00:00 on 2026-11-01)', () => {
    expect(ev('dates.startOfDay("2026-11-01", "America/Havana")')).toBe('2026-11-01T04:00:00.000Z');
    expect(ev('dates.hoursInDay("2026-11-01", "America/Havana")')).toBe(25);
  });

  test('end-exclusive windows: the day after the window, and the end of a local day', () => {
    expect(ev('dates.dayAfter(window.to)')).toBe('2026-03-10');
    expect(ev('dates.dayAfter("2026-12-31")')).toBe('2027-01-01');
    expect(ev('dates.addDays("2024-02-28", 1)')).toBe('2024-02-29');
    expect(ev('dates.addDays(window.from, -7)')).toBe('2026-02-28');
    expect(ev('dates.endOfDay(window.to, inputs.tz)')).toBe('2026-03-10T07:00:00.000Z');
    expect(ev('dates.localTime(dates.startOfDay("2026-03-08", inputs.tz), inputs.tz)')).toBe('2026-03-08T00:00:00-08:00');
    expect(ev('dates.localTime(dates.endOfDay("2026-03-08", inputs.tz), inputs.tz)')).toBe('2026-03-09T00:00:00-07:00');
  });

  test('whole hours, in UTC or in a zone with a half-hour offset', () => {
    expect(ev('dates.startOfHour("2026-03-08T10:47:12.345Z")')).toBe('2026-03-08T10:00:00.000Z');
    expect(ev('dates.startOfHour("2026-03-08T10:47:12Z", "Asia/Kolkata")')).toBe('2026-03-08T10:30:00.000Z');
    expect(ev('dates.startOfHour("2026-03-08T10:17:12Z", "Asia/Kolkata")')).toBe('2026-03-08T09:30:00.000Z');
    expect(ev('dates.localDay("2026-03-08T07:30:00Z", "America/Los_Angeles")')).toBe('2026-03-07');
  });

  test('bad arguments fail the expression with a message naming the value', () => {
    const message = (expression: string) => {
      try {
        ev(expression);
      } catch (e) {
        expect(e).toBeInstanceOf(ExpressionError);
        return (e as Error).message;
      }
      throw new Error(`expected ${expression} to fail`);
    };
    expect(message('dates.startOfDay("2026-02-30", "UTC")')).toMatch(/dates: "2026-02-30" is not a day \(YYYY-MM-DD\)/);
    expect(message('dates.startOfDay("2026-03-08", "Mars/Olympus")')).toMatch(/dates: "Mars\/Olympus" is not an IANA time zone/);
    expect(message('dates.addDays("2026-03-08", 1.5)')).toMatch(/dates: 1.5 is not a whole number of days/);
    expect(message('dates.startOfHour("soon")')).toMatch(/dates: "soon" is not an instant/);
  });

  test('the host bridge is not reachable by name, and dates cannot be replaced', () => {
    expect(ev('typeof __difZoneOffset')).toBe('undefined');
    expect(ev('(() => { try { dates = 1 } catch (e) {} return typeof dates.startOfDay })()')).toBe('function');
    expect(ev('Object.isFrozen(dates)')).toBe(true);
  });
});
