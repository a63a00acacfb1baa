/**
 * Contract test of vendors/google-ads: OAuth2 refresh grant against the token endpoint
 * (overridden per customer, as the real one is on oauth2.googleapis.com), developer-token
 * and login-customer-id headers, GAQL in the POST body, nextPageToken sent back as
 * pageToken, a 429 RESOURCE_EXHAUSTED retried, a 403 failing with Google's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
beforeAll(async () => {
  c = await startVendorContract('google-ads');
  const search = '/v24/customers/1234567890/googleAds:search';
  c.server.route(
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: '/v24/customers/5550000000/googleAds:search', status: 403, file: 'error-403-permission.json' },
    { method: 'POST', path: search, status: 429, file: 'error-429-resource-exhausted.json', times: 1 },
    { method: 'POST', path: search, when: (r) => !r.json?.pageToken, file: 'search-page-1.json' },
    { method: 'POST', path: search, when: (r) => r.json?.pageToken === 'CPqS1fixtureNextPageToken==', file: 'search-page-2.json' },
  );
});
afterAll(() => c?.shutdown());

const secrets = { client_id: 'gads-client.apps.googleusercontent.com', client_secret: 'gads-client-SECRET', refresh_token: '1//gads-refresh-SECRET', developer_token: 'gads-devtoken-SECRET' };

test('campaign_daily: token grant, GAQL pages by nextPageToken, a 429 retried, rows loaded, no secret stored', async () => {
  const customer = await c.customer({ customer_id: '1234567890', login_customer_id: '9876543210' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');

  const rows = await c.rows('google_ads_campaign_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, r.date instanceof Date ? r.date.toISOString().slice(0, 10) : r.date])).toEqual([
    ['111', '2024-03-01'],
    ['111', '2024-03-02'],
    ['222', '2024-03-01'],
    ['222', '2024-03-02'],
  ]);
  expect(Number(rows[0].cost)).toBeCloseTo(12.34);
  expect(Number(rows[0].impressions)).toBe(1000);
  expect(rows[0].campaign_name).toBe('Brand - Search');
  expect(Number(rows[3].conversions)).toBe(0); // absent in the response: Google omits zero metrics

  const token = c.server.sent('/token').at(-1)!;
  expect(token.json).toMatchObject({ grant_type: 'refresh_token', refresh_token: secrets.refresh_token, client_id: secrets.client_id });
  const searches = c.server.sent('/v24/customers/1234567890/googleAds:search');
  expect(searches).toHaveLength(3); // the 429, then two pages
  for (const s of searches) {
    expect(s.headers.authorization).toBe('Bearer ya29.fixture-access-token-google-ads');
    expect(s.headers['developer-token']).toBe(secrets.developer_token);
    expect(s.headers['login-customer-id']).toBe('9876543210');
    expect(s.json.query).toContain("segments.date BETWEEN '2024-03-01' AND '2024-03-02'");
    expect(s.json.pageSize).toBeUndefined();
  }
  expect(searches[1].json.pageToken).toBeUndefined();
  expect(searches[2].json.pageToken).toBe('CPqS1fixtureNextPageToken==');

  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
  expect(stored).not.toContain('ya29.fixture-access-token-google-ads');
});

test('a 403 PERMISSION_DENIED fails at once with Google’s message and no secret', async () => {
  const customer = await c.customer({ customer_id: '5550000000', login_customer_id: '5550000000' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const before = c.server.sent('/v24/customers/5550000000/googleAds:search').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/googleAds:search answered 403/);
  expect(outcome.error).toMatch(/USER_PERMISSION_DENIED/);
  expect(c.server.sent('/v24/customers/5550000000/googleAds:search').length - before).toBe(1); // not retried
  for (const value of Object.values(secrets)) expect(outcome.error).not.toContain(value);
});
