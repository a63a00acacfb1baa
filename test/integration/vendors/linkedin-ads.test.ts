/**
 * Contract test of vendors/linkedin-ads: three dependent steps (ad accounts → campaigns,
 * paged by metadata.nextPageToken → adAnalytics per campaign with Rest.li dateRange and
 * List(urn) parameters), versioned headers, OAuth2 refresh at an overridden token URL, a 429
 * retried, and a 403 ACCESS_DENIED failing at once with LinkedIn's message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import { runStatus } from '../../../cli/runs/runs';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'linkedin-ads', 'fixtures', name), 'utf8');

let c: VendorContract;
const secrets = { client_id: '86fixtureclient', client_secret: 'li-client-SECRET', refresh_token: 'AQWfixture-linkedin-refresh-SECRET' };
const DENIED = 'AQXdenied-token';
/** A member who lost their role on one of the two accounts its search lists. */
const ROLE_LOST = 'AQXrole-lost-token';
beforeAll(async () => {
  c = await startVendorContract('linkedin-ads');
  const campaign = (id: string) => (r: { query: Record<string, string> }) => r.query.campaigns === `List(urn:li:sponsoredCampaign:${id})`;
  c.server.route(
    { method: 'POST', path: '/oauth/v2/accessToken', file: 'token.json' },
    { method: 'POST', path: '/oauth/v2/denied', body: JSON.stringify({ access_token: DENIED, expires_in: 3600 }) },
    { method: 'GET', path: /^\/rest\//, when: (r) => r.headers.authorization === `Bearer ${DENIED}`, status: 403, file: 'error-403.json' },
    { method: 'POST', path: '/oauth/v2/rolelost', body: JSON.stringify({ access_token: ROLE_LOST, expires_in: 3600 }) },
    { method: 'GET', path: '/rest/adAccounts', when: (r) => r.headers.authorization === `Bearer ${ROLE_LOST}`, body: fixture('accounts.json').replace('"test": false }', '"test": false },\n    { "id": 507404999, "name": "Acme Old Agency", "currency": "USD", "status": "ACTIVE", "type": "BUSINESS", "test": false }') },
    { method: 'GET', path: '/rest/adAccounts/507404999/adCampaigns', status: 403, file: 'error-403.json' },
    { method: 'GET', path: '/rest/adAccounts', file: 'accounts.json' },
    { method: 'GET', path: '/rest/adAccounts/507404993/adCampaigns', when: (r) => !r.query.pageToken, file: 'campaigns-page-1.json' },
    { method: 'GET', path: '/rest/adAccounts/507404993/adCampaigns', when: (r) => r.query.pageToken === 'DgGfixtureNextPage', file: 'campaigns-page-2.json' },
    { method: 'GET', path: '/rest/adAnalytics', when: campaign('211290955'), status: 429, file: 'error-429.json', times: 1 },
    { method: 'GET', path: '/rest/adAnalytics', when: campaign('211290954'), file: 'analytics-211290954.json' },
    { method: 'GET', path: '/rest/adAnalytics', when: campaign('211290955'), file: 'analytics-211290955.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('campaign_analytics_daily: accounts → campaigns (two pages) → analytics per campaign, a 429 retried, rows loaded', async () => {
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/oauth/v2/accessToken` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('linkedin_ads_campaign_analytics_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, day(r.date), Number(r.impressions)])).toEqual([
    ['211290954', '2024-03-01', 2500],
    ['211290954', '2024-03-02', 2300],
    ['211290955', '2024-03-01', 400],
  ]);
  expect(rows[0]).toMatchObject({ campaign_name: 'Spring webinar', account_id: '507404993', currency: 'EUR' });
  expect(Number(rows[0].cost)).toBeCloseTo(45.12);

  expect(c.server.sent('/rest/adAccounts')[0].query).toMatchObject({ q: 'search', pageSize: '100' });
  expect(c.server.sent('/rest/adAccounts/507404993/adCampaigns').map((r) => r.query.pageToken)).toEqual([undefined, 'DgGfixtureNextPage']);
  const analytics = c.server.sent('/rest/adAnalytics');
  expect(analytics).toHaveLength(3); // two campaigns, one of them throttled once
  const first = analytics.find((r) => r.query.campaigns?.includes('211290954'))!;
  expect(first.query).toMatchObject({
    q: 'analytics',
    pivot: 'CAMPAIGN',
    timeGranularity: 'DAILY',
    dateRange: '(start:(year:2024,month:3,day:1),end:(year:2024,month:3,day:2))',
    fields: 'dateRange,pivotValues,impressions,clicks,costInLocalCurrency',
  });
  for (const r of c.server.requests.filter((q) => q.path.startsWith('/rest/'))) {
    expect(r.headers['linkedin-version']).toBe('202603');
    expect(r.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(r.headers.authorization).toBe('Bearer AQXfixture-linkedin-access-token');
  }
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
});

test('a token without ads scope: 403 ACCESS_DENIED fails at once with LinkedIn’s message', async () => {
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/oauth/v2/denied` });
  const before = c.server.sent('/rest/adAccounts').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 403: .*Not enough permissions to access/);
  expect(c.server.sent('/rest/adAccounts').length - before).toBe(1);
});

test('an account whose campaigns answer 403 ACCESS_DENIED is skipped by onItemError, named in the summary and memo; the other loads', async () => {
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/oauth/v2/rolelost` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 1);
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.summary?.itemsIgnored).toEqual({
    count: 1,
    items: ['{"account_id":507404999,"account_name":"Acme Old Agency","currency":"USD"} (403)'],
  });
  expect((await c.rows('linkedin_ads_campaign_analytics_daily', customer, 'campaign_id, date')).map((r) => r.account_id)).toEqual(['507404993', '507404993', '507404993']);
  const status = await runStatus(c.h.client, c.h.settings, outcome.workflowId);
  expect(status.summary).toMatch(/; 1 item\(s\) ignored by onItemError: \{"account_id":507404999,.*\} \(403\)$/);
});
