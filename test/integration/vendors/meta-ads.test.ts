/**
 * Contract test of vendors/meta-ads: an async insights report run (submit, poll on durable
 * timers until "Job Completed", then the results paged by paging.cursors.after through a
 * dependent step), the access token in the query, Meta's throttling 400 (code 80000) retried
 * through `errors.retryWhen`, a failed job failing the run with Meta's
 * error_message, and an expired token (400 OAuthException) failing at once. The insights
 * stream runs once per ad account that GET me/adaccounts lists for the customer's token
 * (partitions discovered by the ad_accounts stream); each test's customer has a token of
 * its own, listing its own accounts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'meta-access-SECRET';
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'meta-ads', 'fixtures', name), 'utf8');
/** The token of the customer whose accounts are `account`: me/adaccounts answers by token. */
const tokenOf = (account: string) => `meta-access-SECRET-${account}`;
/** One page of me/adaccounts with one account, in the Graph API's shape (see fixtures/adaccounts-page-2.json). */
const oneAccount = (account: string) => JSON.stringify({ data: [{ account_id: account, id: `act_${account}`, name: `Account ${account}`, account_status: 1, currency: 'USD', timezone_name: 'UTC' }], paging: { cursors: { before: 'QQ', after: 'QQ' } } });
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
  const byToken = (token: string) => (r: { query: Record<string, string> }) => r.query.access_token === token;
  c.server.route(
    // TOKEN reads two accounts, listed on two pages; every other customer's token one.
    { method: 'GET', path: '/v25.0/me/adaccounts', when: (r) => byToken(TOKEN)(r) && !r.query.after, file: 'adaccounts-page-1.json' },
    { method: 'GET', path: '/v25.0/me/adaccounts', when: (r) => byToken(TOKEN)(r) && r.query.after === 'QVFIUmFjdF8xMDAx', file: 'adaccounts-page-2.json' },
    ...['1002', '1009', '1010'].map((account) => ({ method: 'GET', path: '/v25.0/me/adaccounts', when: byToken(tokenOf(account)), body: oneAccount(account) })),
    { method: 'POST', path: '/v25.0/act_1003/insights', body: '{"report_run_id":"6200000000003"}' },
    { method: 'GET', path: '/v25.0/6200000000003', body: '{"id":"6200000000003","async_status":"Job Completed","async_percent_completion":100}' },
    { method: 'GET', path: '/v25.0/6200000000003/insights', file: 'insights-account-1003.json' },
    // Ad account 1002's report run: its first insights page reports 95% usage.
    { method: 'POST', path: '/v25.0/act_1002/insights', body: '{"report_run_id":"6200000000002"}' },
    { method: 'GET', path: '/v25.0/6200000000002', body: '{"id":"6200000000002","async_status":"Job Completed","async_percent_completion":100}' },
    // Meta echoes the caller's own token in paging.next.
    { method: 'GET', path: '/v25.0/6200000000002/insights', when: (r) => !r.query.after, body: fixture('insights-page-1.json').replaceAll(TOKEN, tokenOf('1002')), headers: USAGE_95 },
    { method: 'GET', path: '/v25.0/6200000000002/insights', when: (r) => r.query.after === 'MQZDZD', body: fixture('insights-page-2.json').replaceAll(TOKEN, tokenOf('1002')) },
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

test('campaign_insights_daily: the token\'s ad accounts listed, then per account: submit, poll until Job Completed, cursor pages of the report run, rows loaded', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_insights_daily');
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.summary?.partitions?.map((p) => [p.partition, p.status, p.rowsLoaded])).toEqual([
    ['1001', 'COMPLETED', 3],
    ['1003', 'COMPLETED', 1],
  ]);

  // The accounts are data too: the listing stream loaded them.
  const accounts = await c.rows('meta_ads_ad_accounts', customer, 'account_id');
  // amount_spent arrives in each currency's minimum unit: cents for USD, whole yen for JPY (money, amountIn minor).
  expect(accounts.map((a) => [a.account_id, a.name, Number(a.account_status), a.currency, a.amount_spent])).toEqual([
    ['1001', 'Acme - US', 1, 'USD', '1234.56'],
    ['1003', 'Acme - JP', 1, 'JPY', '98765'],
  ]);
  expect(c.server.sent('/v25.0/me/adaccounts').filter((r) => r.query.access_token === TOKEN).map((r) => r.query.after)).toEqual([undefined, 'QVFIUmFjdF8xMDAx']);

  const rows = await c.rows('meta_ads_campaign_insights_daily', customer, 'account_id, campaign_id, date_start');
  expect(rows.map((r) => [r.account_id, r.campaign_id, day(r.date_start)])).toEqual([
    ['1001', '23850000000000001', '2024-03-01'],
    ['1001', '23850000000000001', '2024-03-02'],
    ['1001', '23850000000000002', '2024-03-01'],
    ['1003', '23850000000000031', '2024-03-01'],
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
  const customer = await c.customer({}, { access_token: tokenOf('1009') });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 4, 'campaign_insights_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/failed with status Job Failed: Please reduce the amount of data/);
  expect(c.server.sent('/v25.0/6200000000009/insights')).toHaveLength(0);
});

test('an expired token (400 OAuthException 190) fails at once, naming the error, without the token', async () => {
  const customer = await c.customer({}, { access_token: tokenOf('1010') });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 4, 'campaign_insights_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 400: .*OAuthException/s);
  expect(outcome.error).not.toContain(tokenOf('1010'));
  expect(c.server.sent('/v25.0/act_1010/insights')).toHaveLength(1);
});

test('usage headers at 95%: the next request waits for the hold, and Meta never throttles', async () => {
  const customer = await c.customer({}, { access_token: tokenOf('1002') });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_insights_daily');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('meta_ads_campaign_insights_daily', customer, 'campaign_id, date_start')).toHaveLength(3);

  const pages = c.server.sent('/v25.0/6200000000002/insights');
  expect(pages.map((p) => p.query.after)).toEqual([undefined, 'MQZDZD']); // no 400 code 80000, no retry
  const gap = pages[1].at - pages[0].at;
  console.log(`meta-ads: ${gap} ms between the page reporting 95% and the next (hold ${HOLD_MS} ms)`);
  expect(gap).toBeGreaterThanOrEqual(HOLD_MS - 15);
  expect(gap).toBeLessThan(HOLD_MS + 2000);
});
