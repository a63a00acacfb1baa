/**
 * Contract test of vendors/amazon-selling-partner, the proof of multi-hop downloads (async
 * `download.resolve`): createReport → getReport polled until DONE → getReportDocument with
 * the report's reportDocumentId → the pre-signed `url` fetched without the access token,
 * gunzipped only when the document answer says `compressionAlgorithm: GZIP`. Login with
 * Amazon refresh-token flow with the token in `x-amz-access-token`; the per-operation usage
 * plans as request costs on the vendor's rate limit. A FATAL report and a refresh token LWA
 * refuses each fail the run with Amazon's words; a CANCELLED report (Amazon's automatic
 * cancellation when no data matches) loads nothing (`poll.empty`).
 *
 * The real config, with its waits scaled down in time only: the first poll wait, and the
 * rate (x20, so createReport's cost of 120 slots is a 3 s wait instead of a minute).
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { historyText } from '../../setup/history-text';

const RATE_SCALE = 20;
const secrets = {
  client_id: 'amzn1.application-oa2-client.fixture0123456789abcdef',
  client_secret: 'amzn1.oa2-cs.v1.fixtureClientSECRET0123456789abcdef',
  refresh_token: 'Atzr|IwEBIFixtureSellingPartnerRefreshSECRET0123456789',
};
const ACCESS_TOKEN = 'Atza|IwEBIFixtureSellingPartnerAccessToken0123456789';
const US = 'ATVPDKIKX0DER';
const CA = 'A2EUQ1WTGCTBG2'; // answered with a document without compressionAlgorithm
const UK = 'A1F83G8C2ARO7P'; // answered FATAL
const DE = 'A1PA6795UKMFR9'; // answered CANCELLED
const GZIP_DOCUMENT = '/tortuga-prod-na/0356cf79-b8b0-4226-b4b9-0ee058ea5760.T3EXAMPLE0GZIP';
const PLAIN_DOCUMENT = '/tortuga-prod-na/7a1c2e3d-0f4b-4c5d-9e6f-112233445566.T1EXAMPLEPLAIN';
const REPORTS = '/reports/2021-06-30/reports';

let c: VendorContract;
const marketplace = (id: string) => (r: FixtureRequest) => r.json?.marketplaceIds?.[0] === id;
const refusedToken = (r: FixtureRequest) => r.json?.refresh_token !== secrets.refresh_token;
const withoutToken = (r: FixtureRequest) => r.headers['x-amz-access-token'] !== ACCESS_TOKEN;

beforeAll(async () => {
  c = await startVendorContract('amazon-selling-partner', (config) => {
    config.streams.all_orders.steps[0].poll.intervalSeconds = 0.2;
    config.rateLimit.requestsPerSecond *= RATE_SCALE;
  });
  c.server.route(
    // LWA refuses a refresh token it did not issue, as it documents (400 invalid_grant).
    { method: 'POST', path: '/auth/o2/token', when: refusedToken, status: 400, file: 'lwa-invalid-grant.json' },
    { method: 'POST', path: '/auth/o2/token', file: 'lwa-token.json' },
    // SP-API answers 403 Unauthorized to a call without the LWA access token.
    { method: 'POST', path: REPORTS, when: withoutToken, status: 403, body: '{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]}' },
    { method: 'GET', path: /^\/reports\//, when: withoutToken, status: 403, body: '{"errors":[{"code":"Unauthorized","message":"Access to requested resource is denied.","details":""}]}' },
    { method: 'POST', path: REPORTS, when: marketplace(CA), body: '{"reportId":"53522019857"}' },
    { method: 'POST', path: REPORTS, when: marketplace(UK), body: '{"reportId":"53523019858"}' },
    { method: 'POST', path: REPORTS, when: marketplace(DE), body: '{"reportId":"53524019859"}' },
    { method: 'POST', path: REPORTS, file: 'create-report.json', status: 202 },
    { method: 'GET', path: `${REPORTS}/53521019856`, file: 'report-in-progress.json', times: 1 },
    { method: 'GET', path: `${REPORTS}/53521019856`, file: 'report-done.json' },
    { method: 'GET', path: `${REPORTS}/53522019857`, file: 'report-done-plain.json' },
    { method: 'GET', path: `${REPORTS}/53523019858`, file: 'report-fatal.json' },
    { method: 'GET', path: `${REPORTS}/53524019859`, file: 'report-cancelled.json' },
    { method: 'GET', path: '/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.0356cf79-b8b0-4226-b4b9-0ee058ea5760.T3EXAMPLE0GZIP.2400', file: 'report-document-gzip.json' },
    { method: 'GET', path: '/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.7a1c2e3d-0f4b-4c5d-9e6f-112233445566.T1EXAMPLEPLAIN.2400', file: 'report-document-plain.json' },
    // S3 refuses a pre-signed GET that also carries other credentials; the fixture server does too.
    { method: 'GET', path: /^\/tortuga-prod-na\//, when: (r) => Boolean(r.headers.authorization || r.headers['x-amz-access-token']), status: 400, body: '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>' },
    { method: 'GET', path: GZIP_DOCUMENT, file: 'all-orders.tsv', gzip: true, headers: { 'content-type': 'text/plain' } },
    { method: 'GET', path: PLAIN_DOCUMENT, file: 'all-orders.tsv', headers: { 'content-type': 'text/plain;charset=UTF-8' } },
  );
});
afterAll(() => c?.shutdown());

const customer = (marketplaceId: string, customerSecrets = secrets) =>
  c.customer({ region: 'na', marketplace_id: marketplaceId }, customerSecrets, { tokenUrl: `${c.server.url}/auth/o2/token` });
const day = (d: unknown) => (d instanceof Date ? d.toISOString() : d);
const sentFor = (reportId: string) => c.server.sent(`${REPORTS}/${reportId}`);

/** The rows every run over all-orders.tsv loads, in (order, sku) order. */
function expectOrderRows(rows: Record<string, any>[], marketplaceId: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(rows.map((r) => [r.amazon_order_id, r.sku, r.order_status, r.quantity === null ? null : Number(r.quantity), r.item_price === null ? null : Number(r.item_price)])).toEqual([
    ['113-1234567-1234567', 'BB-01', 'Shipped', 1, 6.99],
    ['113-1234567-1234567', 'WB-750-STEEL', 'Shipped', 2, 49.98],
    ['114-7654321-7654321', 'WB-750-STEEL', 'Pending', 1, null],
  ]);
  expect(day(rows[0].purchase_date)).toBe('2024-03-01T09:15:42.000Z');
  expect(rows[1]).toMatchObject({ asin: 'B08EXAMPLE1', currency: 'USD', ship_postal_code: '98109-5210', promotion_ids: 'Coupon 10%', is_business_order: false, marketplace_id: marketplaceId });
  expect(Number(rows[1].item_promotion_discount)).toBe(-5);
  expect(rows[2]).toMatchObject({ merchant_order_id: 'MY-ORDER-0042', currency: null, is_business_order: true });
}

test('all_orders: createReport, getReport until DONE, getReportDocument, the GZIP document fetched without the token and gunzipped: rows loaded', async () => {
  const id = await customer(US);
  const outcome = await c.ingest(id, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  expectOrderRows(await c.rows('amazon_sp_all_orders', id, 'amazon_order_id, sku'), US);

  // LWA: the refresh-token grant with the client's credentials in the form body.
  const [token] = c.server.sent('/auth/o2/token');
  expect(token.json).toEqual({ grant_type: 'refresh_token', refresh_token: secrets.refresh_token, client_id: secrets.client_id, client_secret: secrets.client_secret });

  const [create] = c.server.sent(REPORTS).filter(marketplace(US));
  expect(create.json).toEqual({
    reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL',
    marketplaceIds: [US],
    dataStartTime: '2024-03-01T00:00:00Z',
    dataEndTime: '2024-03-02T23:59:59Z',
  });
  const polls = sentFor('53521019856');
  expect(polls).toHaveLength(2); // IN_PROGRESS, then DONE
  const documents = c.server.sent(/^\/reports\/2021-06-30\/documents\//);
  expect(documents.map((r) => r.path)).toEqual(['/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.0356cf79-b8b0-4226-b4b9-0ee058ea5760.T3EXAMPLE0GZIP.2400']);
  // Every SP-API call carries the LWA token in x-amz-access-token, and no Authorization header.
  for (const r of [create, ...polls, ...documents]) {
    expect(r.headers['x-amz-access-token']).toBe(ACCESS_TOKEN);
    expect(r.headers.authorization).toBeUndefined();
  }
  // The pre-signed S3 GET: its own signature in the query, no SP-API credentials at all.
  const [file] = c.server.sent(GZIP_DOCUMENT);
  expect(c.server.sent(GZIP_DOCUMENT)).toHaveLength(1);
  expect(file.headers['x-amz-access-token']).toBeUndefined();
  expect(file.headers.authorization).toBeUndefined();
  expect(file.query['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);

  // createReport and getReportDocument cost 120 slots of the (scaled) 40 rps: the request after each waits 3 s.
  // The slot is taken before the LWA token call that signs createReport, so its arrival is up to that call late.
  const costMs = 120 * (1000 / (2 * RATE_SCALE));
  expect(polls[0].at - create.at).toBeGreaterThanOrEqual(costMs - 500);
  // The S3 GET costs nothing: it does not wait behind getReportDocument's 120 slots.
  expect(file.at - documents[0].at).toBeLessThan(costMs / 2);

  const stored = c.storedText();
  for (const value of [...Object.values(secrets), ACCESS_TOKEN]) expect(stored).not.toContain(value);
  // The hops ran inside the download activity: neither the token nor the pre-signed URL (a
  // credential for 5 minutes) is in the run's history, which the Web UI shows whole.
  const history = await historyText(c.h.client.workflow.getHandle(outcome.workflowId, outcome.runId));
  expect(history).toContain('53521019856'); // the job id is, so the history was read
  const leaked = [...Object.values(secrets), ACCESS_TOKEN, file.query['X-Amz-Signature'], 'AKIAEXAMPLEPRESIGN'].filter((v) => history.includes(v));
  expect(leaked).toEqual([]); // (the values, not the whole history, in a failure)
});

test('a document answer without compressionAlgorithm is read as plain TSV (the decode follows the answer)', async () => {
  const id = await customer(CA);
  const outcome = await c.ingest(id, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  expectOrderRows(await c.rows('amazon_sp_all_orders', id, 'amazon_order_id, sku'), CA);
  expect(c.server.sent(PLAIN_DOCUMENT)).toHaveLength(1);
  expect(c.server.sent(PLAIN_DOCUMENT)[0].headers['x-amz-access-token']).toBeUndefined();
});

test('a FATAL report fails the run naming Amazon’s error report document; nothing is downloaded', async () => {
  const id = await customer(UK);
  const outcome = await c.ingest(id, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(
    /vendor job 53523019858 of step "report" failed with status FATAL: Amazon aborted report 53523019858; its error report is document amzn1\.spdoc\.1\.4\.eu\.c0ffee00-1111-4222-8333-444455556666\.T2EXAMPLEFATAL\.2400 \(getReportDocument\)/,
  );
  expect(c.server.sent(/T2EXAMPLEFATAL/)).toHaveLength(0);
});

test('a CANCELLED report (Amazon found no eligible orders) completes with no rows and no document fetched', async () => {
  const id = await customer(DE);
  const documents = c.server.sent(/\/documents\//).length;
  const outcome = await c.ingest(id, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.recordsFetched).toBe(0);
  expect(c.server.sent(/\/documents\//).length).toBe(documents);
});

test('a refresh token LWA refuses: 400 invalid_grant, the run fails at once with Amazon’s message, no secret in it', async () => {
  const wrong = 'Atzr|IwEBIWrongRefreshTokenSECRET0123456789abcdef';
  const id = await customer(US, { ...secrets, refresh_token: wrong });
  const before = c.server.sent(REPORTS).length;
  const tokenCalls = c.server.sent('/auth/o2/token').length;
  const outcome = await c.ingest(id, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/POST \/auth\/o2\/token refused the credentials \(400\): .*"error_description": "The request has an invalid grant parameter : refresh_token".*"error": "invalid_grant"/s);
  expect(c.server.sent(REPORTS).length).toBe(before); // no report was created
  expect(c.server.sent('/auth/o2/token').length - tokenCalls).toBe(1); // final: not retried
  for (const value of [...Object.values(secrets), wrong]) expect(outcome.error).not.toContain(value);
});
