/** Retry-After: delay-seconds or an HTTP date, capped; undefined when absent or unreadable. */
import { retryAfterMs } from '../../../core/retry-after';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const FIFTEEN_MINUTES = 15 * 60_000;

describe('retryAfterMs', () => {
  test.each([null, undefined, ''])('absent header %j → undefined', (header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
  });

  test.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    [' 3 ', 3000],
  ])('seconds %j → %d ms', (header, ms) => {
    expect(retryAfterMs(header, NOW)).toBe(ms);
  });

  test('an HTTP date in the future → the time until it', () => {
    expect(retryAfterMs('Mon, 01 Jan 2024 00:00:30 GMT', NOW)).toBe(30_000);
  });

  test('an HTTP date in the past → 0, never negative', () => {
    expect(retryAfterMs('Sun, 31 Dec 2023 23:00:00 GMT', NOW)).toBe(0);
  });

  test.each(['garbage', 'soon', '120 seconds', '1e3', '12abc'])('garbage %j → undefined', (header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
  });

  test('both forms are capped at 15 minutes by default', () => {
    expect(retryAfterMs('100000', NOW)).toBe(FIFTEEN_MINUTES);
    expect(retryAfterMs('Wed, 03 Jan 2024 00:00:00 GMT', NOW)).toBe(FIFTEEN_MINUTES);
  });

  test('the cap can be set', () => {
    expect(retryAfterMs('100', NOW, 5000)).toBe(5000);
    expect(retryAfterMs('4', NOW, 5000)).toBe(4000);
    expect(retryAfterMs('Mon, 01 Jan 2024 01:00:00 GMT', NOW, 60_000)).toBe(60_000);
  });

  // Date.parse's legacy fallback reads "-5" and "Foo 5" as 2001-05-01, a past date, so these
  // unreadable headers come back as 0 ms ("retry now") instead of undefined (fall back to
  // the normal backoff). RFC 9110 delay-seconds is 1*DIGIT; neither is an HTTP date.
  test.each(['-5', 'Foo 5'])('unreadable %j → undefined, not 0', (header) => {
    expect(retryAfterMs(header, NOW)).toBeUndefined();
  });
});
