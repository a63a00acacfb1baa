/**
 * Contract test of vendors/meta-ads: an async insights report run (submit, poll on durable
 * timers until "Job Completed", then the results paged by paging.cursors.after through a
 * dependent step), the access token in the query, Meta's throttling 400 (code 80000) retried
 * through `errors.retryWhen`, a failed job failing the run with Meta's
 * error_message, and an expired token (400 OAuthException) failing at once.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'meta-access-SECRET';
/** The config's hold (60 s) scaled down in time only. */
const HOLD_MS = 1500;
/**
 * Meta's usage headers as https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 * shows them (the business id and the percentages are ours): call_count at 95%, no wait yet
 * (estimated_time_to_regain_access 0), so the config's hold applies.
 */
const USAGE_95 = {
  'x-app-usage': '{"call_count":40,"total_time":25,"total_cputime":25}',
  'x-business-use-case-usage':
    '{"112233445566778":[{"type":"ads_insights","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":0,"ads_api_access_tier":"standard_access"}]}',
};
beforeAll(async () => {
  c = await startVendorContract('meta-ads', (config) => (config.rateLimit.usageHeaders.holdSeconds = HOLD_MS / 1000));
  c.server.route(
    // Ad account 1002's report run: its first insights page reports 95% usage.
    { method: 'POST', path: '/v25.0/act_1002/insights', body: '{"report_run_id":"6200000000002"}' },
    { method: 'GET', path: '/v25.0/6200000000002', body: '{"id":"6200000000002","async_status":"Job Completed","async_percent_completion":100}' },
    { method: 'GET', path: '/v25.0/6200000000002/insights', when: (r) => !r.query.after, file: 'insights-page-1.json', headers: USAGE_95 },
    { method: 'GET', path: '/v25.0/6200000000002/insights', when: (r) => r.query.after === 'MQZDZD', file: 'insights-page-2.json' },
    { method: 'POST', path: '/v25.0/act_1001/insights', file: 'submit.json' },
    { method: 'GET', path: '/v25.0/6200000000001', file: 'poll-running.json', times: 1 },
    { method: 'GET', path: '/v25.0/6200000000001', file: 'poll-completed.json' },
    { method: 'GET', path: '/v25.0/6200000000001/insights', when: (r) => !r.query.after, file: 'insights-page-1.json' },
    { method: 'GET', path: '/v25.0/6200000000001/insights', when: (r) => r.query.after === 'MQZDZD', status: 400, file: 'error-400-throttled.json', times: 1 },
    { method: 'GET', path: '/v25.0/6200000000001/insights', when: (r) => r.query.after === 'MQZDZD', file: 'insights-page-2.json' },
    { method: 'POST', path: '/v25.0/act_1009/insights', body: '{"report_run_id":"6200000000009"}' },
    { method: 'GET', path: '/v25.0/6200000000009', file: 'poll-failed.json' },
    { method: 'POST', path: '/v25.0/act_1010/insights', status: 400, file: 'error-400-oauth.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('campaign_insights_daily: submit, poll until Job Completed, cursor pages of the report run, rows loaded', async () => {
  const customer = await c.customer({ ad_account_id: '1001' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');

  const rows = await c.rows('meta_ads_campaign_insights_daily', customer, 'campaign_id, date_start');
  expect(rows.map((r) => [r.campaign_id, day(r.date_start)])).toEqual([
    ['23850000000000001', '2024-03-01'],
    ['23850000000000001', '2024-03-02'],
    ['23850000000000002', '2024-03-01'],
  ]);
  expect(Number(rows[0].spend)).toBeCloseTo(12.34);
  expect(Number(rows[2].clicks)).toBe(9);

  const submit = c.server.sent('/v25.0/act_1001/insights').at(-1)!;
  expect(submit.method).toBe('POST');
  expect(submit.query).toMatchObject({ async: 'true', level: 'campaign', time_increment: '1', access_token: TOKEN });
  expect(JSON.parse(submit.query.time_range)).toEqual({ since: '2024-03-01', until: '2024-03-02' });
  expect(c.server.sent('/v25.0/6200000000001')).toHaveLength(2); // running, then completed
  const pages = c.server.sent('/v25.0/6200000000001/insights');
  expect(pages.map((p) => p.query.after)).toEqual([undefined, 'MQZDZD', 'MQZDZD']); // page 2 throttled once (400, code 80000), retried
  expect(pages.every((p) => p.query.access_token === TOKEN && p.query.limit === '500')).toBe(true);
  // Meta echoes the token in paging.next: scrubbed before the page was stored.
  expect(c.storedText()).not.toContain(TOKEN);
});

test('a report run that ends "Job Failed" fails the run with Meta’s error_message', async () => {
  const customer = await c.customer({ ad_account_id: '1009' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/failed with status Job Failed: Please reduce the amount of data/);
  expect(c.server.sent('/v25.0/6200000000009/insights')).toHaveLength(0);
});

test('an expired token (400 OAuthException 190) fails at once, naming the error, without the token', async () => {
  const customer = await c.customer({ ad_account_id: '1010' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 400: .*OAuthException/s);
  expect(outcome.error).not.toContain(TOKEN);
  expect(c.server.sent('/v25.0/act_1010/insights')).toHaveLength(1);
});

test('usage headers at 95%: the next request waits for the hold, and Meta never throttles', async () => {
  const customer = await c.customer({ ad_account_id: '1002' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('meta_ads_campaign_insights_daily', customer, 'campaign_id, date_start')).toHaveLength(3);

  const pages = c.server.sent('/v25.0/6200000000002/insights');
  expect(pages.map((p) => p.query.after)).toEqual([undefined, 'MQZDZD']); // no 400 code 80000, no retry
  const gap = pages[1].at - pages[0].at;
  console.log(`meta-ads: ${gap} ms between the page reporting 95% and the next (hold ${HOLD_MS} ms)`);
  expect(gap).toBeGreaterThanOrEqual(HOLD_MS - 15);
  expect(gap).toBeLessThan(HOLD_MS + 2000);
});
