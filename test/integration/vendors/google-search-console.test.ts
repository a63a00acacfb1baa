/**
 * Contract test of vendors/google-search-console: searchAnalytics.query with startRow and
 * rowLimit in the POST body, ending on a short page; the site URL encoded in the path; a 429
 * "quota exceeded" retried; a 403 for a site the user cannot read failing at once.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: 'gsc-client.apps.googleusercontent.com', client_secret: 'gsc-client-SECRET', refresh_token: '1//gsc-refresh-SECRET' };
const query = `/webmasters/v3/sites/${encodeURIComponent('https://www.example.com/')}/searchAnalytics/query`;
const forbidden = `/webmasters/v3/sites/${encodeURIComponent('https://www.example.org/')}/searchAnalytics/query`;
beforeAll(async () => {
  c = await startVendorContract('google-search-console');
  c.server.route(
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: query, status: 429, file: 'error-429-quota.json', times: 1 },
    { method: 'POST', path: query, when: (r) => r.json?.startRow === 0, file: 'query-page-1.json' },
    { method: 'POST', path: forbidden, status: 403, file: 'error-403-site.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('search_analytics_daily: a short page ends the pages, a 429 retried, rows loaded', async () => {
  const customer = await c.customer({ site_url: 'https://www.example.com/' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('gsc_search_analytics_daily', customer, 'date, query');
  expect(rows.map((r) => [day(r.date), r.query, r.page])).toEqual([
    ['2024-03-01', 'running shoes', 'https://www.example.com/shoes'],
    ['2024-03-01', 'trail shoes', 'https://www.example.com/trail'],
    ['2024-03-02', 'running shoes', 'https://www.example.com/shoes'],
  ]);
  expect(Number(rows[0].clicks)).toBe(42);
  expect(Number(rows[0].position)).toBeCloseTo(4.2);

  const sent = c.server.sent(query);
  expect(sent).toHaveLength(2); // the 429 and its retry; 3 rows < rowLimit ended the pages
  expect(sent[1].json).toMatchObject({ startDate: '2024-03-01', endDate: '2024-03-02', dimensions: ['date', 'query', 'page'], startRow: 0, rowLimit: 25000, type: 'web' });
  expect(sent[1].headers.authorization).toBe('Bearer ya29.fixture-access-token-gsc');
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
});

test('a site the user cannot read: 403 fails at once with Google’s message', async () => {
  const customer = await c.customer({ site_url: 'https://www.example.org/' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 403: .*does not have sufficient permission for site/s);
  expect(c.server.sent(forbidden)).toHaveLength(1);
});
