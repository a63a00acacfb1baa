/**
 * Contract test of vendors/shopify, the proof of GraphQL requests: orders and customers
 * paged by `pageInfo.endCursor` sent back in `variables.after`, the token from the client
 * credentials grant sent in X-Shopify-Access-Token, the cost model holding the next query
 * until Shopify's bucket has refilled (the wait follows throttleStatus: a store with points
 * to spare does not wait), a THROTTLED answer retried after the wait it implies, an
 * ACCESS_DENIED error failing the run at once with Shopify's message, and the bulk
 * operation path (bulkOperationRunQuery → node(id:) polled until COMPLETED → JSONL
 * downloaded without auth) loading orders and their line items joined by `__parentId`.
 * Child tables (issue 15): orders load their line items and refunds in the same
 * transaction; a re-run of the window after Shopify removed a line item and a refund leaves
 * them gone; the bulk stream loads orders and line items from one operation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const GRAPHQL = '/admin/api/2026-10/graphql.json';
const TOKEN_PATH = '/admin/oauth/access_token';
const TOKEN = 'shpat_fixture_cc_TOKEN_0123456789abcdef';
const ORDERS_ONLY_TOKEN = 'shpat_fixture_cc_ORDERS_ONLY_0123456789';
const ROOMY_TOKEN = 'shpat_fixture_cc_ROOMY_BUCKET_01234567';
const EMPTY_TOKEN = 'shpat_fixture_cc_EMPTY_SHOP_0123456789';
const ECHO_TOKEN = 'shpat_fixture_cc_ECHOED_TOKEN_012345678';
const BUSY_TOKEN = 'shpat_fixture_cc_BUSY_SHOP_01234567890';
const FAILING_TOKEN = 'shpat_fixture_cc_FAILING_SHOP_012345678';
const RERUN_TOKEN = 'shpat_fixture_cc_RERUN_SHOP_0123456789';
const SECRET = 'shpss_fixture_client_SECRET_0123456789abcdef';
const PAGE_2 = 'eyJsYXN0X2lkIjo0NTA3ODk0NzAsImxhc3RfdmFsdWUiOiIyMDI2LTExLTAyIDE0OjAwOjAwLjAwMCJ9';
const WINDOW = { from: '2026-11-01', to: '2026-11-02' };
const FILTER = "updated_at:>='2026-11-01T00:00:00Z' AND updated_at:<='2026-11-02T23:59:59Z'";

const fixture = (name: string) => fs.readFileSync(path.join(projectRoot(), 'vendors', 'shopify', 'fixtures', name), 'utf8');
const token = (access_token: string) => JSON.stringify({ ...JSON.parse(fixture('token.json')), access_token });
/** Page 1 of a store whose bucket still holds 1,900 points: no wait is due. */
const roomyPage1 = () => {
  const page = JSON.parse(fixture('orders-page-1.json'));
  page.extensions.cost.throttleStatus.currentlyAvailable = 1900;
  return JSON.stringify(page);
};

/** Page 1 as Shopify answers it later: order #1001's second line item removed, order #1002's refund gone. */
const laterPage1 = () => {
  const page = JSON.parse(fixture('orders-page-1.json'));
  page.extensions.cost.throttleStatus.currentlyAvailable = 1900;
  page.data.orders.nodes[0].lineItems.nodes.pop();
  page.data.orders.nodes[1].refunds = [];
  return JSON.stringify(page);
};
let shopifyRemovedThem = false;

const operation = (r: FixtureRequest): string => String(r.json?.query ?? '').split(/[ ({]/)[1] ?? '';
const is = (name: string, tokenValue?: string) => (r: FixtureRequest) =>
  operation(r) === name && (tokenValue === undefined || r.headers['x-shopify-access-token'] === tokenValue);
const sent = (name: string, tokenValue: string) => c.server.sent(GRAPHQL).filter(is(name, tokenValue));

beforeAll(async () => {
  // The real config with its first poll wait scaled down in time only.
  c = await startVendorContract('shopify', (config) => {
    config.streams.bulk_orders.steps[0].poll.intervalSeconds = 0.2;
  });
  c.server.route(
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_secret !== SECRET, status: 400, file: 'token-error.json' },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'orders-only-app', file: 'token-no-customers-scope.json' },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'roomy-app', body: token(ROOMY_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'empty-shop-app', body: token(EMPTY_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'echo-app', body: token(ECHO_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'busy-app', body: token(BUSY_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'failing-app', body: token(FAILING_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, when: (r) => r.json?.client_id === 'rerun-app', body: token(RERUN_TOKEN) },
    { method: 'POST', path: TOKEN_PATH, file: 'token.json' },
    { method: 'POST', path: GRAPHQL, when: (r) => !r.headers['x-shopify-access-token'], status: 401, body: '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}' },
    { method: 'POST', path: GRAPHQL, when: (r) => is('Orders', ROOMY_TOKEN)(r) && !r.json.variables.after, body: roomyPage1() },
    { method: 'POST', path: GRAPHQL, when: (r) => is('Orders', RERUN_TOKEN)(r) && !r.json.variables.after && shopifyRemovedThem, body: laterPage1() },
    { method: 'POST', path: GRAPHQL, when: (r) => is('Orders', TOKEN)(r) && r.json.variables.after === PAGE_2, file: 'throttled.json', times: 1 },
    { method: 'POST', path: GRAPHQL, when: (r) => is('Orders')(r) && !r.json.variables.after, file: 'orders-page-1.json' },
    { method: 'POST', path: GRAPHQL, when: (r) => is('Orders')(r) && r.json.variables.after === PAGE_2, file: 'orders-page-2.json' },
    { method: 'POST', path: GRAPHQL, when: is('Customers', ORDERS_ONLY_TOKEN), file: 'access-denied.json' },
    // Not a Shopify answer: a vendor that echoes the token in a GraphQL error, for the scrubbing of error messages.
    {
      method: 'POST',
      path: GRAPHQL,
      when: is('Customers', ECHO_TOKEN),
      body: JSON.stringify({ errors: [{ message: `Token ${ECHO_TOKEN} is not valid for this shop`, extensions: { code: 'ACCESS_DENIED' } }], data: null }),
    },
    { method: 'POST', path: GRAPHQL, when: is('Customers'), file: 'customers-page-1.json' },
    { method: 'POST', path: GRAPHQL, when: is('RunBulkQuery', BUSY_TOKEN), file: 'bulk-run-refused.json' },
    { method: 'POST', path: GRAPHQL, when: is('RunBulkQuery'), file: 'bulk-run-query.json' },
    { method: 'POST', path: GRAPHQL, when: is('BulkOperation', EMPTY_TOKEN), file: 'bulk-completed-empty.json' },
    { method: 'POST', path: GRAPHQL, when: is('BulkOperation', FAILING_TOKEN), file: 'bulk-failed.json' },
    { method: 'POST', path: GRAPHQL, when: is('BulkOperation'), file: 'bulk-running.json', times: 1 },
    { method: 'POST', path: GRAPHQL, when: is('BulkOperation'), file: 'bulk-completed.json' },
    { method: 'GET', path: '/shopify-tiers-gcs-bulk-results/bulk/720918/bulk-orders.jsonl', file: 'bulk-orders.jsonl', headers: { 'content-type': 'application/jsonl' } },
  );
});
afterAll(() => c?.shutdown());

const customerOf = (clientId: string) => c.customer({}, { client_id: clientId, client_secret: SECRET });

test('orders: the cursor in variables, the token in X-Shopify-Access-Token, the cost model’s waits, a THROTTLED answer retried', async () => {
  const customer = await customerOf('dif-orders-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'orders');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('shopify_orders', customer, 'id');
  expect(rows.map((r) => r.id)).toEqual(['gid://shopify/Order/450789469', 'gid://shopify/Order/450789470', 'gid://shopify/Order/450789471']);
  expect(rows[0]).toMatchObject({ name: '#1001', financial_status: 'PAID', currency: 'USD' });
  expect(Number(rows[0].total_price)).toBeCloseTo(598.94);
  expect(Number(rows[0].line_items)).toBe(3);
  expect(rows[0].email).toMatch(/^[0-9a-f]{64}$/); // pii: a pseudonym, never the address
  expect(rows[2].email).toBeNull();

  // The child tables, loaded with the orders: each row carries its order's id.
  const items = await c.rows('shopify_orders_line_items', customer, 'id');
  expect(items.map((r) => [r.order_id, r.id, r.sku, Number(r.quantity)])).toEqual([
    ['gid://shopify/Order/450789469', 'gid://shopify/LineItem/466157049', 'IPOD2008GREEN', 1],
    ['gid://shopify/Order/450789470', 'gid://shopify/LineItem/466157050', null, 5],
    ['gid://shopify/Order/450789469', 'gid://shopify/LineItem/518995019', 'IPOD2008RED', 2],
  ]);
  expect(Number(items[2].unit_price)).toBeCloseTo(199.97);
  const refunds = await c.rows('shopify_orders_refunds', customer, 'id');
  expect(refunds.map((r) => [r.order_id, r.id, r.note, r.currency])).toEqual([
    ['gid://shopify/Order/450789470', 'gid://shopify/Refund/929361462', 'Customer changed their mind', 'USD'],
  ]);
  expect(Number(refunds[0].total_refunded)).toBe(25);

  // The client credentials grant, as Shopify documents it.
  const tokenCall = c.server.sent(TOKEN_PATH).find((r) => r.json?.client_id === 'dif-orders-app')!;
  expect(tokenCall.json).toEqual({ grant_type: 'client_credentials', client_id: 'dif-orders-app', client_secret: SECRET });

  const calls = sent('Orders', TOKEN);
  expect(calls).toHaveLength(3); // page 1, page 2 THROTTLED, page 2 again
  for (const call of calls) {
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.authorization).toBeUndefined();
    expect(call.json.query).toMatch(/^query Orders\(\$first: Int!, \$after: String, \$filter: String!\) \{ orders\(first: \$first, after: \$after, query: \$filter/);
  }
  expect(calls[0].json.variables).toEqual({ first: 100, filter: FILTER });
  expect(calls[1].json.variables).toEqual({ first: 100, filter: FILTER, after: PAGE_2 });
  expect(calls[2].json.variables).toEqual(calls[1].json.variables);
  // Page 1 left 12 points after asking 112, at 100 points/s: the next query waited 1 s.
  expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
  // THROTTLED with 62 points left: retried after the 0.5 s the 50 missing points take.
  expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(500);
  expect(c.storedText()).not.toContain(TOKEN);
  expect(c.storedText()).not.toContain(SECRET);
});

test('the wait follows throttleStatus: a store whose bucket holds 1,900 points asks for page 2 at once', async () => {
  const customer = await customerOf('roomy-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'orders');
  expect(outcome.status).toBe('COMPLETED');
  const calls = sent('Orders', ROOMY_TOKEN);
  expect(calls).toHaveLength(2);
  expect(calls[1].at - calls[0].at).toBeLessThan(1000);
});

test('child tables: a re-run of the window after Shopify removed a line item and a refund leaves them gone, and duplicates nothing', async () => {
  const customer = await customerOf('rerun-app');
  expect((await c.ingest(customer, WINDOW, 4, 'orders')).status).toBe('COMPLETED');
  const itemIds = async () => (await c.rows('shopify_orders_line_items', customer, 'id')).map((r) => r.id);
  expect(await itemIds()).toEqual(['gid://shopify/LineItem/466157049', 'gid://shopify/LineItem/466157050', 'gid://shopify/LineItem/518995019']);
  expect(await c.rows('shopify_orders_refunds', customer, 'id')).toHaveLength(1);

  shopifyRemovedThem = true;
  expect((await c.ingest(customer, WINDOW, 4, 'orders')).status).toBe('COMPLETED');
  expect(sent('Orders', RERUN_TOKEN).filter((r) => !r.json.variables.after)).toHaveLength(2);
  expect((await c.rows('shopify_orders', customer, 'id')).map((r) => r.id)).toEqual([
    'gid://shopify/Order/450789469', 'gid://shopify/Order/450789470', 'gid://shopify/Order/450789471',
  ]);
  expect(await itemIds()).toEqual(['gid://shopify/LineItem/466157049', 'gid://shopify/LineItem/466157050']);
  expect(await c.rows('shopify_orders_refunds', customer, 'id')).toEqual([]);
});

test('customers: rows with the email as a pseudonym', async () => {
  const customer = await customerOf('dif-customers-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'customers');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('shopify_customers', customer, 'id');
  expect(rows.map((r) => r.id)).toEqual(['gid://shopify/Customer/105906728', 'gid://shopify/Customer/56501169']);
  expect(rows[1]).toMatchObject({ state: 'ENABLED', currency: 'USD' });
  expect(Number(rows[1].number_of_orders)).toBe(2);
  expect(Number(rows[1].amount_spent)).toBeCloseTo(623.94);
  expect(rows[1].email).toMatch(/^[0-9a-f]{64}$/);
  expect(rows[0].email).toBeNull();
  expect(JSON.stringify(rows)).not.toContain('jennytest@b2b.example.com');
  expect(sent('Customers', TOKEN).map((r) => r.json.variables)).toEqual([{ first: 100, filter: FILTER }]);
});

test('a GraphQL error that is not throttling (ACCESS_DENIED in a 200) fails the run at once with Shopify’s message', async () => {
  const customer = await customerOf('orders-only-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'customers');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain(
    `POST ${GRAPHQL} answered 200 with GraphQL errors: Access denied for customers field. Required access: \`read_customers\` access scope. (ACCESS_DENIED) (at customers)`,
  );
  expect(sent('Customers', ORDERS_ONLY_TOKEN)).toHaveLength(1);
});

test('a GraphQL error message is scrubbed of the token before it leaves the activity', async () => {
  const customer = await customerOf('echo-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'customers');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain('with GraphQL errors: Token [redacted] is not valid for this shop (ACCESS_DENIED)');
  expect(outcome.error).not.toContain(ECHO_TOKEN);
  expect(c.storedText()).not.toContain(ECHO_TOKEN);
});

test('bulk operations: run, poll node(id:) until COMPLETED, JSONL downloaded without auth, orders and their child line items joined by __parentId from one operation', async () => {
  const customer = await customerOf('dif-bulk-app');
  const before = c.server.sent(GRAPHQL).length;
  expect((await c.ingest(customer, WINDOW, 4, 'bulk_orders')).status).toBe('COMPLETED');

  const orders = await c.rows('shopify_bulk_orders', customer, 'id');
  expect(orders.map((r) => r.id)).toEqual(['gid://shopify/Order/450789469', 'gid://shopify/Order/450789470', 'gid://shopify/Order/450789471']);
  expect(orders[1]).toMatchObject({ name: '#1002', financial_status: 'REFUNDED' });
  const items = await c.rows('shopify_order_line_items', customer, 'id');
  expect(items.map((r) => [r.id, r.order_id, Number(r.quantity)])).toEqual([
    ['gid://shopify/LineItem/466157049', 'gid://shopify/Order/450789469', 1],
    ['gid://shopify/LineItem/466157050', 'gid://shopify/Order/450789470', 5],
    ['gid://shopify/LineItem/518995019', 'gid://shopify/Order/450789469', 2],
  ]);
  expect(Number(items[2].unit_price)).toBeCloseTo(199.97);
  expect(items.every((item) => orders.some((order) => order.id === item.order_id))).toBe(true);

  const calls = c.server.sent(GRAPHQL).slice(before);
  const runs = calls.filter(is('RunBulkQuery'));
  expect(runs).toHaveLength(1); // one operation: the line items are the orders' child table
  expect(runs[0].json.query).toMatch(/^mutation RunBulkQuery\(\$query: String!\) \{ bulkOperationRunQuery\(query: \$query\)/);
  expect(runs[0].json.variables.query).toContain(`orders(query: "${FILTER}")`);
  expect(runs[0].json.variables.query).toContain('lineItems { edges { node {');
  const polls = calls.filter(is('BulkOperation'));
  expect(polls).toHaveLength(2); // RUNNING once, then COMPLETED
  expect(polls.every((p) => p.json.variables.id === 'gid://shopify/BulkOperation/720918')).toBe(true);
  expect(calls.every((r) => r.headers['x-shopify-access-token'] === TOKEN)).toBe(true);
  const downloads = c.server.sent(/bulk-orders\.jsonl$/);
  expect(downloads).toHaveLength(1);
  expect(downloads.every((d) => d.headers['x-shopify-access-token'] === undefined && d.headers.authorization === undefined)).toBe(true);
  expect(downloads[0].query['X-Goog-Signature']).toBe('0f1e2d3c');
});

test('a bulk operation that found nothing (url null) loads no rows', async () => {
  const customer = await customerOf('empty-shop-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'bulk_orders');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('shopify_bulk_orders', customer, 'id')).toEqual([]);
});

test('a bulk operation refused in userErrors fails the run with Shopify’s message', async () => {
  const customer = await customerOf('busy-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'bulk_orders');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toBe(
    `POST ${GRAPHQL} refused the job: A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/720917. (OPERATION_IN_PROGRESS)`,
  );
  expect(sent('RunBulkQuery', BUSY_TOKEN)).toHaveLength(1);
  expect(sent('BulkOperation', BUSY_TOKEN)).toHaveLength(0);
});

test('a bulk operation that FAILED fails the run with its errorCode', async () => {
  const customer = await customerOf('failing-app');
  const outcome = await c.ingest(customer, WINDOW, 4, 'bulk_orders');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toBe('vendor job gid://shopify/BulkOperation/720918 of step "orders_export" failed with status FAILED: errorCode INTERNAL_SERVER_ERROR');
});

test('a wrong client secret: the token endpoint’s refusal fails the run with its message', async () => {
  const customer = await c.customer({}, { client_id: 'dif-orders-app', client_secret: 'shpss_wrong_secret_0000000000' });
  const outcome = await c.ingest(customer, WINDOW, 4, 'orders');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/^POST \/admin\/oauth\/access_token refused the credentials \(400\): [\s\S]*"invalid_client"/);
  expect(outcome.error).not.toContain('shpss_wrong_secret');
});
