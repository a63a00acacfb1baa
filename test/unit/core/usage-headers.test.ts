/**
 * Vendor usage headers, read as their documentation shows them, and the hold they ask for.
 * Header examples: Meta, https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 * (X-App-Usage, X-Business-Use-Case-Usage) and the Marketing API's X-Ad-Account-Usage;
 * HubSpot, https://developers.hubspot.com/docs/api/usage-details (X-HubSpot-RateLimit-*);
 * IETF, draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit/-Remaining/-Reset up to -06,
 * RateLimit and RateLimit-Policy after).
 */
import { readHubSpot, readIetf, readMeta, usageHold, type UsagePolicy } from '../../../core/usage-headers';
import { usagePolicy } from '../../../core/usage-headers-grammar';

const NOW = Date.UTC(2026, 11, 2, 16, 0, 0);
const policy = (formats: UsagePolicy['formats'], over: Partial<UsagePolicy> = {}): UsagePolicy => ({
  formats,
  thresholdPercent: 90,
  defaultHoldMs: 60_000,
  maxHoldMs: 900_000,
  ...over,
});

describe('meta', () => {
  // The documented examples, with the usage raised where a test needs it.
  const appUsage = (callCount: number) => JSON.stringify({ call_count: callCount, total_time: 25, total_cputime: 25 });
  const buc = (callCount: number, regainMinutes: number) =>
    JSON.stringify({
      '112233445566778': [
        { type: 'ads_management', call_count: callCount, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: regainMinutes, ads_api_access_tier: 'standard_access' },
      ],
    });

  test('X-App-Usage percentages are read; at 28% nothing is held', () => {
    expect(readMeta({ 'x-app-usage': appUsage(28) })).toEqual([
      { source: 'x-app-usage call_count', usedPercent: 28 },
      { source: 'x-app-usage total_cputime', usedPercent: 25 },
      { source: 'x-app-usage total_time', usedPercent: 25 },
    ]);
    expect(usageHold(policy(['meta']), { 'x-app-usage': appUsage(28) }, NOW)).toBeUndefined();
  });

  test('X-App-Usage at 95% holds for the default hold: the header gives no reset', () => {
    expect(usageHold(policy(['meta']), { 'x-app-usage': appUsage(95) }, NOW)).toEqual({ holdMs: 60_000, reason: 'x-app-usage call_count at 95%' });
  });

  test('X-Business-Use-Case-Usage: estimated_time_to_regain_access is minutes, obeyed even below the threshold', () => {
    expect(usageHold(policy(['meta']), { 'x-business-use-case-usage': buc(95, 3) }, NOW)).toEqual({
      holdMs: 180_000,
      reason: 'x-business-use-case-usage ads_management regain access at 100%',
    });
    expect(usageHold(policy(['meta']), { 'x-business-use-case-usage': buc(40, 2) }, NOW)).toEqual({
      holdMs: 120_000,
      reason: 'x-business-use-case-usage ads_management regain access at 100%',
    });
    expect(usageHold(policy(['meta']), { 'x-business-use-case-usage': buc(40, 0) }, NOW)).toBeUndefined();
  });

  test('X-Business-Use-Case-Usage at 95% without a wait holds for the default hold', () => {
    expect(usageHold(policy(['meta']), { 'x-business-use-case-usage': buc(95, 0) }, NOW)).toEqual({
      holdMs: 60_000,
      reason: 'x-business-use-case-usage ads_management call_count at 95%',
    });
  });

  test('the business id (the customer’s) is not in the reason', () => {
    expect(JSON.stringify(usageHold(policy(['meta']), { 'x-business-use-case-usage': buc(99, 0) }, NOW))).not.toContain('112233445566778');
  });

  test('X-Ad-Account-Usage: reset_time_duration is seconds', () => {
    const headers = { 'x-ad-account-usage': JSON.stringify({ acc_id_util_pct: 97.5, reset_time_duration: 30, ads_api_access_tier: 'standard_access' }) };
    expect(usageHold(policy(['meta']), headers, NOW)).toEqual({ holdMs: 30_000, reason: 'x-ad-account-usage acc_id_util_pct at 97.5%' });
  });

  test('X-FB-Ads-Insights-Throttle percentages are read', () => {
    expect(readMeta({ 'x-fb-ads-insights-throttle': '{"app_id_util_pct":100,"acc_id_util_pct":10,"ads_api_access_tier":"standard_access"}' }).map((r) => r.usedPercent)).toEqual([100, 10]);
  });

  test('unreadable headers are ignored, not fatal', () => {
    expect(readMeta({ 'x-app-usage': '{not json', 'x-business-use-case-usage': '[1,2]' })).toEqual([]);
    expect(readMeta({ 'x-business-use-case-usage': '{"1":"text"}' })).toEqual([]);
  });

  test('the longest hold of several readings wins', () => {
    const headers = { 'x-app-usage': appUsage(99), 'x-business-use-case-usage': buc(99, 5) };
    expect(usageHold(policy(['meta']), headers, NOW)?.holdMs).toBe(300_000);
  });
});

describe('hubspot', () => {
  // HubSpot's documented example headers: a 10-second window of 100 (Free/Starter private app).
  const headers = (remaining: number, dailyRemaining = 249_000) => ({
    'x-hubspot-ratelimit-daily': '250000',
    'x-hubspot-ratelimit-daily-remaining': String(dailyRemaining),
    'x-hubspot-ratelimit-interval-milliseconds': '10000',
    'x-hubspot-ratelimit-max': '100',
    'x-hubspot-ratelimit-remaining': String(remaining),
  });

  test('remaining of max is read as percent used; the interval is the reset', () => {
    expect(readHubSpot(headers(97), NOW)[0]).toEqual({ source: 'x-hubspot-ratelimit-remaining', usedPercent: 3, resetMs: 10_000 });
    expect(usageHold(policy(['hubspot']), headers(97), NOW)).toBeUndefined();
  });

  test('5 of 100 remaining (95% used) holds one interval', () => {
    expect(usageHold(policy(['hubspot']), headers(5), NOW)).toEqual({ holdMs: 10_000, reason: 'x-hubspot-ratelimit-remaining at 95%' });
  });

  test('the threshold is configurable: 95% passes under a 96% threshold', () => {
    expect(usageHold(policy(['hubspot'], { thresholdPercent: 96 }), headers(5), NOW)).toBeUndefined();
  });

  test('the daily limit near its end holds until UTC midnight, capped', () => {
    expect(usageHold(policy(['hubspot']), headers(90, 100), NOW)).toEqual({ holdMs: 900_000, reason: 'x-hubspot-ratelimit-daily-remaining at 100%' });
    expect(usageHold(policy(['hubspot'], { maxHoldMs: 86_400_000 }), headers(90, 100), NOW)?.holdMs).toBe(8 * 3_600_000);
  });

  test('headers of a format not configured are not read', () => {
    expect(usageHold(policy(['ietf']), headers(0), NOW)).toBeUndefined();
  });
});

describe('ietf', () => {
  test('RateLimit-Limit/-Remaining/-Reset (draft -06: Reset in seconds)', () => {
    const headers = { 'ratelimit-limit': '100', 'ratelimit-remaining': '4', 'ratelimit-reset': '50' };
    expect(readIetf(headers, NOW)).toEqual([{ source: 'ratelimit-remaining', usedPercent: 96, resetMs: 50_000 }]);
    expect(usageHold(policy(['ietf']), headers, NOW)).toEqual({ holdMs: 50_000, reason: 'ratelimit-remaining at 96%' });
  });

  test('without a limit, only remaining 0 counts as used up', () => {
    expect(usageHold(policy(['ietf']), { 'ratelimit-remaining': '0', 'ratelimit-reset': '7' }, NOW)?.holdMs).toBe(7000);
    expect(usageHold(policy(['ietf']), { 'ratelimit-remaining': '1', 'ratelimit-reset': '7' }, NOW)).toBeUndefined();
  });

  test('a Reset that is a Unix time is read as one', () => {
    expect(readIetf({ 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 12) }, NOW)[0].resetMs).toBe(12_000);
  });

  test('the structured RateLimit and RateLimit-Policy fields', () => {
    const headers = { ratelimit: '"default";r=5;t=30', 'ratelimit-policy': '"default";q=100;w=60' };
    expect(readIetf(headers, NOW)).toEqual([{ source: 'ratelimit', usedPercent: 95, resetMs: 30_000 }]);
  });

  test('a reset of 0 holds nothing: the window is already new', () => {
    expect(usageHold(policy(['ietf']), { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '0' }, NOW)).toBeUndefined();
  });
});

test('the config’s defaults: 90%, 60 s without a reset, at most 300 s (under the 10-minute activity timeout)', () => {
  expect(usagePolicy({ formats: ['meta'] })).toEqual({ formats: ['meta'], thresholdPercent: 90, defaultHoldMs: 60_000, maxHoldMs: 300_000 });
});
