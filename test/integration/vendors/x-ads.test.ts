/**
 * Contract test of vendors/x-ads, the proof of the `oauth1` auth kind: accounts → campaigns
 * paged by next_cursor, and async stats jobs for the account's campaigns, one per 20 ids
 * (POST with its parameters in the query → poll job_ids until SUCCESS → gzip JSON
 * downloaded without auth), and synchronous stats for every campaign in chunks of at most
 * 20 entity ids. On a fixed clock and
 * nonce, every request's OAuth 1.0a signature equals one recomputed here from RFC 5849
 * (test/setup/oauth1-reference.ts, not the oauth-1.0a package DIF signs with), and the
 * fixture server answers 401 to any request whose signature it cannot verify, as X does:
 * a wrong consumer secret fails the run with X's message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { setSigningClock } from '../../../auth/signing-clock';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { authorizationParams, signature } from '../../setup/oauth1-reference';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const secrets = {
  consumer_key: 'xvkFixtureConsumerKey01',
  consumer_secret: 'xcsFixtureConsumerSECRET+/=0123456789abcdef',
  access_token: '18ce54d4-FixtureAccessToken0123',
  access_token_secret: 'xtsFixtureTokenSECRET0123456789abcdef',
};
const inputs = { account_id: '18ce54d4x5t' };
const TIMESTAMP = 1709546400; // 2024-03-04T10:00:00Z
const NONCE = 'difFixtureNonce0123456789abcdef0';
const DOWNLOAD = '/advertiser-api-async-analytics/OtkuXkjd2Ub0bq2bVQ3MBGHk1lrkxgRbl0R_7ozqxRmqCM9V3pSUzZqMEZL1w6cDyYlFSnY2vSt2wj_w0VK_Og.json.gz';

let c: VendorContract;

/** A customer whose token sees 45 campaigns on one page: more than two chunks of 20. */
const MANY = '18ce54d4-FixtureManyCampaigns';
function manyCampaigns(): string {
  const page = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'x-ads', 'fixtures', 'campaigns-page-1.json'), 'utf8'));
  page.data = Array.from({ length: 45 }, (_, i) => ({ ...page.data[0], id: `c${String(i + 1).padStart(2, '0')}` }));
  page.next_cursor = null;
  return JSON.stringify(page);
}

/** A customer whose token sees 4,001 campaigns: 201 jobs of 20, more than a run starts. */
const HUGE = '18ce54d4-FixtureHugeAccount';
function hugeCampaigns(): string {
  const page = JSON.parse(manyCampaigns());
  page.data = Array.from({ length: 4001 }, (_, i) => ({ ...page.data[0], id: `h${i}` }));
  return JSON.stringify(page);
}

/** The signature X would compute for what it received, with the right secrets. */
function recomputed(r: FixtureRequest): string {
  const params = Object.entries(r.query);
  return signature({ method: r.method, baseUri: `${c.server.url}${r.path}`, params }, authorizationParams(r.headers.authorization), {
    consumerSecret: secrets.consumer_secret,
    tokenSecret: secrets.access_token_secret,
  });
}
const badlySigned = (r: FixtureRequest) => authorizationParams(r.headers.authorization).oauth_signature !== recomputed(r);

beforeAll(async () => {
  setSigningClock({ now: () => new Date(TIMESTAMP * 1000), nonce: () => NONCE });
  // The real config with its first poll wait scaled down in time only.
  c = await startVendorContract('x-ads', (config) => (config.streams.campaign_stats_daily.steps[1].poll.intervalSeconds = 0.2));
  c.server.route(
    { method: 'GET', path: /^\/12\//, when: badlySigned, status: 401, file: 'error-401.json' },
    { method: 'POST', path: /^\/12\//, when: badlySigned, status: 401, file: 'error-401.json' },
    { method: 'GET', path: '/12/accounts', file: 'accounts.json' },
    { method: 'GET', path: '/12/accounts/18ce54d4x5t/campaigns', when: (r) => authorizationParams(r.headers.authorization).oauth_token === MANY, body: manyCampaigns() },
    { method: 'GET', path: '/12/accounts/18ce54d4x5t/campaigns', when: (r) => authorizationParams(r.headers.authorization).oauth_token === HUGE, body: hugeCampaigns() },
    { method: 'GET', path: '/12/accounts/18ce54d4x5t/campaigns', when: (r) => !r.query.cursor, file: 'campaigns-page-1.json' },
    { method: 'GET', path: '/12/accounts/18ce54d4x5t/campaigns', when: (r) => r.query.cursor === 'c-3yvu1pzhd3i7', file: 'campaigns-page-2.json' },
    { method: 'POST', path: '/12/stats/jobs/accounts/18ce54d4x5t', file: 'stats-job-queued.json' },
    { method: 'GET', path: '/12/stats/jobs/accounts/18ce54d4x5t', file: 'stats-job-processing.json', times: 1 },
    { method: 'GET', path: '/12/stats/jobs/accounts/18ce54d4x5t', file: 'stats-job-success.json' },
    { method: 'GET', path: '/12/stats/accounts/18ce54d4x5t', when: (r) => r.query.entity_ids.startsWith('c01,'), file: 'stats-sync.json' },
    { method: 'GET', path: '/12/stats/accounts/18ce54d4x5t', body: '{"data_type":"stats","time_series_length":2,"data":[],"request":{"params":{"start_time":"2024-03-01T08:00:00Z"}}}' },
    { method: 'GET', path: DOWNLOAD, file: 'stats-data.json', gzip: true, headers: { 'content-type': 'application/octet-stream' } },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
});

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

/** Every API request carries the fixed clock's OAuth header and a signature equal to the recomputed one. */
function expectSignedAsRecomputed(requests: FixtureRequest[]): void {
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const oauth = authorizationParams(r.headers.authorization);
    expect(oauth).toMatchObject({
      oauth_consumer_key: secrets.consumer_key,
      oauth_token: secrets.access_token,
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(TIMESTAMP),
      oauth_nonce: NONCE,
      oauth_version: '1.0',
    });
    expect(oauth.oauth_signature).toBe(recomputed(r));
  }
}

test('campaigns: accounts → campaigns over two cursor pages, every request signed as recomputed, rows loaded', async () => {
  const customer = await c.customer(inputs, secrets);
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaigns');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('x_ads_campaigns', customer, 'id');
  expect(rows.map((r) => [r.id, r.account_id, r.name, r.entity_status, Number(r.daily_budget_amount_local_micro)])).toEqual([
    ['8wku2', '18ce54d4x5t', 'Spring launch', 'ACTIVE', 140000000],
    ['8yn7m', '18ce54d4x5t', 'Winter retargeting', 'PAUSED', 25000000],
  ]);
  expect(c.server.sent('/12/accounts/18ce54d4x5t/campaigns').map((r) => r.query)).toEqual([
    { count: '1000', with_deleted: 'true' },
    { count: '1000', with_deleted: 'true', cursor: 'c-3yvu1pzhd3i7' },
  ]);
  expectSignedAsRecomputed(c.server.sent(/^\/12\/accounts/));
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
});

test('campaign_stats_daily: POST job (query signed), poll job_ids until SUCCESS, gzip JSON downloaded without auth, one row per campaign and day', async () => {
  const customer = await c.customer(inputs, secrets);
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_stats_daily');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('x_ads_campaign_stats_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, day(r.date), r.impressions === null ? null : Number(r.impressions), r.clicks === null ? null : Number(r.clicks)])).toEqual([
    ['8wku2', '2024-03-01', 1233, 41],
    ['8wku2', '2024-03-02', 1180, 36],
    ['8yn7m', '2024-03-01', 310, 5],
    ['8yn7m', '2024-03-02', 0, 0], // X's null (nothing happened that day): the columns' default 0
  ]);
  // The metric arrays (one per metric, one element per day) exploded in parallel: the fixture's other metrics are not columns.
  expect(rows.map((r) => Number(r.billed_charge_local_micro))).toEqual([20500000, 18000000, 2500000, 0]);
  expect(Number(rows[0].billed_charge_local_micro)).toBe(20500000);

  const [submit] = c.server.sent('/12/stats/jobs/accounts/18ce54d4x5t').filter((r) => r.method === 'POST');
  expect(submit.query).toEqual({
    entity: 'CAMPAIGN',
    entity_ids: '8wku2,8yn7m',
    granularity: 'DAY',
    placement: 'ALL_ON_TWITTER',
    metric_groups: 'ENGAGEMENT,BILLING',
    start_time: '2024-03-01',
    end_time: '2024-03-03',
  });
  expect(submit.body).toBe('');
  const polls = c.server.sent('/12/stats/jobs/accounts/18ce54d4x5t').filter((r) => r.method === 'GET');
  expect(polls.map((r) => r.query.job_ids)).toEqual(['1087059283584966656', '1087059283584966656']); // id_str: the number would lose digits
  expectSignedAsRecomputed(c.server.sent('/12/stats/jobs/accounts/18ce54d4x5t'));
  const download = c.server.sent(DOWNLOAD);
  expect(download).toHaveLength(1);
  expect(download[0].headers.authorization).toBeUndefined();
});

test('campaign_stats_daily over 45 campaigns: one async job per 20 ids, one after the other, each signed, downloaded and loaded', async () => {
  const customer = await c.customer(inputs, { ...secrets, access_token: MANY });
  const jobs = '/12/stats/jobs/accounts/18ce54d4x5t';
  const before = { submits: c.server.sent(jobs).filter((r) => r.method === 'POST').length, downloads: c.server.sent(DOWNLOAD).length };
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_stats_daily');
  expect(outcome.status).toBe('COMPLETED');
  const submits = c.server.sent(jobs).filter((r) => r.method === 'POST').slice(before.submits);
  const ids = (n: number, from: number) => Array.from({ length: n }, (_, i) => `c${String(from + i).padStart(2, '0')}`).join(',');
  // In the campaigns' order: the jobs run one after the other, never two at once.
  expect(submits.map((r) => r.query.entity_ids)).toEqual([ids(20, 1), ids(20, 21), ids(5, 41)]);
  for (const r of submits) expect(authorizationParams(r.headers.authorization).oauth_signature).toBe(recomputed(r));
  expect(c.server.sent(DOWNLOAD).length - before.downloads).toBe(3);
  // Every job's file is the fixture's two campaigns: merged by key, four rows.
  expect(await c.rows('x_ads_campaign_stats_daily', customer, 'campaign_id, date')).toHaveLength(4);
});

test('campaign_stats_daily over 4,001 campaigns: 201 jobs is more than a run starts, so it fails before submitting any', async () => {
  const customer = await c.customer(inputs, { ...secrets, access_token: HUGE });
  const submits = () => c.server.sent('/12/stats/jobs/accounts/18ce54d4x5t').filter((r) => r.method === 'POST').length;
  const before = submits();
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_stats_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain('step "stats_job": 4001 items make 201 jobs of 20; a run starts at most 200 (raise batchSize, or shorten the window)');
  expect(submits()).toBe(before);
});

test('campaign_stats_daily_sync: every campaign, stats requested in chunks of at most 20 ids, signed as recomputed', async () => {
  const customer = await c.customer(inputs, { ...secrets, access_token: MANY });
  const before = c.server.sent('/12/stats/accounts/18ce54d4x5t').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'campaign_stats_daily_sync');
  expect(outcome.status).toBe('COMPLETED');
  const stats = c.server.sent('/12/stats/accounts/18ce54d4x5t').slice(before);
  const ids = (n: number, from: number) => Array.from({ length: n }, (_, i) => `c${String(from + i).padStart(2, '0')}`).join(',');
  expect(stats.map((r) => r.query.entity_ids).sort()).toEqual([ids(20, 1), ids(20, 21), ids(5, 41)].sort());
  expect(stats[0].query).toMatchObject({ entity: 'CAMPAIGN', granularity: 'DAY', start_time: '2024-03-01', end_time: '2024-03-03' });
  for (const r of stats) {
    expect(authorizationParams(r.headers.authorization).oauth_token).toBe(MANY);
    expect(authorizationParams(r.headers.authorization).oauth_signature).toBe(recomputed(r));
  }
  // The fixture's two campaigns answer for the first chunk; the other chunks' answers are empty.
  const rows = await c.rows('x_ads_campaign_stats_daily_sync', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, day(r.date), r.impressions === null ? null : Number(r.impressions)])).toEqual([
    ['8wku2', '2024-03-01', 1233],
    ['8wku2', '2024-03-02', 1180],
    ['8yn7m', '2024-03-01', 310],
    ['8yn7m', '2024-03-02', 0],
  ]);
});

test('a wrong consumer secret: X answers 401 and the run fails at once with X’s message, no secret in it', async () => {
  const customer = await c.customer(inputs, { ...secrets, consumer_secret: 'xcsWrongConsumerSECRET0123456789' });
  const before = c.server.sent('/12/accounts').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 4, 'campaigns');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/12\/accounts answered 401: .*UNAUTHORIZED_ACCESS.*This request is not properly authenticated/s);
  expect(c.server.sent('/12/accounts').length - before).toBe(1); // final: not retried
  for (const value of [...Object.values(secrets), 'xcsWrongConsumerSECRET0123456789']) expect(outcome.error).not.toContain(value);
});
