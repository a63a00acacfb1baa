/**
 * Contract test of vendors/google-analytics-4: runReport with offset/limit in the POST body
 * until rowCount rows arrived, OAuth2 refresh against the (overridden) Google token endpoint,
 * a 429 RESOURCE_EXHAUSTED retried, an empty report (no rows, no rowCount) loading nothing,
 * and a 403 failing at once with Google's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: 'ga4-client.apps.googleusercontent.com', client_secret: 'ga4-client-SECRET', refresh_token: '1//ga4-refresh-SECRET' };
beforeAll(async () => {
  c = await startVendorContract('google-analytics-4');
  const report = '/v1beta/properties/314159:runReport';
  c.server.route(
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: report, status: 429, file: 'error-429-tokens.json', times: 1 },
    { method: 'POST', path: report, when: (r) => r.json?.offset === 0, file: 'report-page-1.json' },
    { method: 'POST', path: report, when: (r) => r.json?.offset === 3, file: 'report-page-2.json' },
    { method: 'POST', path: '/v1beta/properties/271828:runReport', file: 'report-empty.json' },
    { method: 'POST', path: '/v1beta/properties/404:runReport', status: 403, file: 'error-403-permission.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('traffic_daily: offset pages until rowCount, a 429 retried, rows loaded', async () => {
  const customer = await c.customer({ property_id: '314159' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('ga4_traffic_daily', customer, 'date, channel_group');
  expect(rows.map((r) => [day(r.date), r.channel_group, Number(r.sessions)])).toEqual([
    ['2024-03-01', 'Direct', 45],
    ['2024-03-01', 'Organic Search', 120],
    ['2024-03-02', 'Direct', 50],
    ['2024-03-02', 'Organic Search', 131],
  ]);
  expect(Number(rows[1].screen_page_views)).toBe(410);

  const sent = c.server.sent('/v1beta/properties/314159:runReport');
  expect(sent.map((r) => r.json.offset)).toEqual([0, 0, 3]); // the 429, its retry, the second page
  expect(sent.every((r) => r.json.limit === 10000 && r.headers.authorization === 'Bearer ya29.fixture-access-token-ga4')).toBe(true);
  expect(sent[0].json.dateRanges).toEqual([{ startDate: '2024-03-01', endDate: '2024-03-02' }]);
  expect(sent[0].json.metrics.map((m: { name: string }) => m.name)).toEqual(['sessions', 'totalUsers', 'screenPageViews']);
  expect(c.server.sent('/token').at(-1)!.json).toMatchObject({ grant_type: 'refresh_token', refresh_token: secrets.refresh_token });
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
});

test('a report with no rows (GA4 then omits rows and rowCount) completes with nothing loaded', async () => {
  const customer = await c.customer({ property_id: '271828' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('ga4_traffic_daily', customer, 'date')).toHaveLength(0);
  expect(c.server.sent('/v1beta/properties/271828:runReport')).toHaveLength(1);
});

test('a property the user cannot read: 403 fails at once with Google’s message', async () => {
  const customer = await c.customer({ property_id: '404' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 403: .*sufficient permissions for this property/s);
  expect(c.server.sent('/v1beta/properties/404:runReport')).toHaveLength(1);
});
