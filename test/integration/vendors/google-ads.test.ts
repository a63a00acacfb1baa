/**
 * Contract test of vendors/google-ads: OAuth2 refresh grant against the token endpoint
 * (overridden per customer, as the real one is on oauth2.googleapis.com), developer-token
 * and login-customer-id headers, GAQL in the POST body, nextPageToken sent back as
 * pageToken, a 429 RESOURCE_EXHAUSTED retried, a 403 failing with Google's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import { retryFailedPartitions, runStatus } from '../../../cli/runs/runs';

let c: VendorContract;
beforeAll(async () => {
  c = await startVendorContract('google-ads');
  const search = '/v24/customers/1234567890/googleAds:search';
  c.server.route(
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: '/v24/customers/5550000000/googleAds:search', status: 403, file: 'error-403-permission.json' },
    // Linked under the manager account only after the first run (`times`): the retry of that partition succeeds.
    { method: 'POST', path: '/v24/customers/4440000000/googleAds:search', status: 403, file: 'error-403-permission.json', times: 1 },
    { method: 'POST', path: '/v24/customers/4440000000/googleAds:search', file: 'search-customer-4440000000.json' },
    { method: 'POST', path: '/v24/customers/3330000000/googleAds:search', file: 'search-customer-3330000000.json' },
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

test('several customer ids under one manager account: one run per id, rows keyed by it; a failed id does not stop the others and `dif retry` runs only it', async () => {
  const ids = ['1234567890', '4440000000', '3330000000'];
  const customer = await c.customer({ customer_id: ids, login_customer_id: '9876543210' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const window = { from: '2024-03-01', to: '2024-03-02' };
  const first = await c.ingest(customer, window, 1);
  expect(first.status).toBe('FAILED');
  expect(first.error).toMatch(/^1 of 3 partition\(s\) failed \(the others loaded\): 4440000000: .*googleAds:search answered 403.*USER_PERMISSION_DENIED/s);
  expect(first.error).toContain(`dif retry ${first.workflowId}`);
  for (const value of Object.values(secrets)) expect(first.error).not.toContain(value);

  const loaded = async () => (await c.rows('google_ads_campaign_daily', customer, 'customer_id, campaign_id, date')).map((r) => [r.customer_id, r.campaign_id, r.clicks === null ? null : Number(r.clicks)]);
  expect(await loaded()).toEqual([
    ['1234567890', '111', 42],
    ['1234567890', '111', 38],
    ['1234567890', '222', 7],
    ['1234567890', '222', 9],
    ['3330000000', '333', 7],
  ]);
  // Each partition asked for its own customer, through the one manager account.
  for (const id of ids) {
    const sent = c.server.sent(`/v24/customers/${id}/googleAds:search`);
    expect(sent.length).toBeGreaterThan(0);
    for (const s of sent) expect(s.headers['login-customer-id']).toBe('9876543210');
  }
  const status = await runStatus(c.h.client, c.h.settings, first.workflowId);
  expect(status.status).toBe('FAILED');
  expect(status.failedPartitions).toEqual(['4440000000']);
  expect(status.summary).toBe('2 of 3 partitions loaded (5 rows); failed: 4440000000');
  const one = await runStatus(c.h.client, c.h.settings, `${first.workflowId}/3330000000`);
  expect(one.partition).toBe('3330000000');

  const sentBefore = (id: string) => c.server.sent(`/v24/customers/${id}/googleAds:search`).length;
  const before = Object.fromEntries(ids.map((id) => [id, sentBefore(id)]));
  const retried = await retryFailedPartitions(c.h.client, c.h.settings, first.workflowId);
  expect(retried.partitions).toEqual(['4440000000']);
  expect(retried.outcome.status).toBe('COMPLETED');
  expect(retried.outcome.summary?.partitions?.map((p) => [p.partition, p.status, p.rowsLoaded])).toEqual([['4440000000', 'COMPLETED', 1]]);
  expect(ids.map((id) => sentBefore(id) - before[id])).toEqual([0, 1, 0]); // only the failed partition asked again

  // Re-running the window leaves no duplicate: 5 rows before, 6 now (the retried partition's one), then 6 again.
  expect(await loaded()).toHaveLength(6);
  expect((await c.ingest(customer, window, 1)).status).toBe('COMPLETED');
  expect(await loaded()).toHaveLength(6);
  await expect(retryFailedPartitions(c.h.client, c.h.settings, first.workflowId)).rejects.toThrow(/did not fail in some of its partitions/);
});

test('a partition id that is not one, or not in the customer\'s list, is refused naming it', async () => {
  const customer = await c.customer({ customer_id: ['1234567890', '12/34'], login_customer_id: '9876543210' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 1);
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/input "customer_id" of customer "[^"]+"\[1\] "12\/34" is not a partition id/);
});
