/**
 * Contract test of vendors/shopify: orders paged by the Link header's rel="next" (page_info
 * URLs used as given), the X-Shopify-Access-Token header, a 429 with Retry-After retried,
 * and a 401 failing at once with Shopify's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'shpat_fixture_SECRET';
const orders = '/admin/api/2024-10/orders.json';
const PAGE_INFO = 'eyJsYXN0X2lkIjo0NTA3ODk0NzAsImRpcmVjdGlvbiI6Im5leHQifQ';
beforeAll(async () => {
  c = await startVendorContract('shopify');
  c.server.route(
    { method: 'GET', path: orders, when: (r) => r.headers['x-shopify-access-token'] !== TOKEN, status: 401, file: 'error-401.json' },
    { method: 'GET', path: orders, when: (r) => r.query.page_info === PAGE_INFO, status: 429, file: 'error-429.json', headers: { 'Retry-After': '1.0' }, times: 1 },
    {
      method: 'GET',
      path: orders,
      when: (r) => !r.query.page_info,
      file: 'orders-page-1.json',
      headers: { Link: `<{{baseUrl}}${orders}?limit=250&page_info=${PAGE_INFO}>; rel="next"`, 'X-Shopify-Shop-Api-Call-Limit': '1/40' },
    },
    {
      method: 'GET',
      path: orders,
      when: (r) => r.query.page_info === PAGE_INFO,
      file: 'orders-page-2.json',
      headers: { Link: `<{{baseUrl}}${orders}?limit=250&page_info=eyJkaXJlY3Rpb24iOiJwcmV2In0>; rel="previous"` },
    },
  );
});
afterAll(() => c?.shutdown());

test('orders: Link rel="next" pages, a 429 with Retry-After retried, rows loaded', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('shopify_orders', customer, 'id');
  expect(rows.map((r) => r.id)).toEqual(['450789469', '450789470', '450789471']);
  expect(rows[0]).toMatchObject({ name: '#1001', financial_status: 'paid', currency: 'USD' });
  expect(Number(rows[0].total_price)).toBeCloseTo(598.94);
  expect(Number(rows[0].line_items)).toBe(2);
  expect(rows[2].email).toBeNull();

  const sent = c.server.sent(orders);
  expect(sent).toHaveLength(3); // page 1, the 429, page 2
  expect(sent[0].query).toEqual({ status: 'any', limit: '250', updated_at_min: '2024-03-01T00:00:00Z', updated_at_max: '2024-03-02T23:59:59Z' });
  // page_info pages carry only what the link says: filters may not be repeated with page_info.
  expect(sent[2].query).toEqual({ limit: '250', page_info: PAGE_INFO });
  expect(sent.every((r) => r.headers['x-shopify-access-token'] === TOKEN)).toBe(true);
  expect(c.storedText()).not.toContain(TOKEN);
});

test('a wrong token: 401 fails at once with Shopify’s message', async () => {
  const customer = await c.customer({}, { access_token: 'shpat_wrong' });
  const before = c.server.sent(orders).length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 401: .*Invalid API key or access token/);
  expect(c.server.sent(orders).length - before).toBe(1);
});
