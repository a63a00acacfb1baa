/**
 * Vendors that misbehave (issue 21, items 1 and 2), on the real tiktok-ads config and its
 * fixtures: pages that start with a UTF-8 BOM load as the same pages without one, and a
 * gateway's HTML page answered with 200 is retried as the vendor's fault instead of failing
 * the run at once; when it persists the run fails naming it, with its first bytes, after the
 * page request's own retries (retry.perRequest) in each activity attempt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../adapters/settings';
import { startVendorContract, type VendorContract } from '../setup/vendor-contract';
import { REQUEST_RETRY_DEFAULTS } from '../../core/request-retry';

let c: VendorContract;
const report = '/open_api/v1.3/report/integrated/get/';
const fixture = (name: string) => fs.readFileSync(path.join(projectRoot(), 'vendors', 'tiktok-ads', 'fixtures', name), 'utf8');
const withBom = (text: string) => `\uFEFF${text}`;
const GATEWAY_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream timed out</body></html>';
const BUSY = '7000000000000000001';
const DOWN = '7000000000000000502';
beforeAll(async () => {
  c = await startVendorContract('tiktok-ads');
  c.server.route(
    { method: 'GET', path: report, when: (r) => r.query.advertiser_id === DOWN, body: GATEWAY_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } },
    { method: 'GET', path: report, when: (r) => r.query.page === '1', body: GATEWAY_PAGE, headers: { 'content-type': 'text/html' }, times: 1 },
    { method: 'GET', path: report, when: (r) => r.query.page === '1', body: withBom(fixture('report-page-1.json')) },
    { method: 'GET', path: report, when: (r) => r.query.page === '2', body: withBom(fixture('report-page-2.json')) },
  );
});
afterAll(() => c?.shutdown());

test('BOM-led pages load, and an HTML page in a 200 is retried', async () => {
  const customer = await c.customer({ advertiser_id: BUSY }, { access_token: 'tiktok-access-SECRET' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('tiktok_ads_campaign_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, Number(r.clicks)])).toEqual([
    ['1790000000000001', 75],
    ['1790000000000001', 60],
    ['1790000000000002', 12],
  ]);
  expect(c.server.sent(report).filter((r) => r.query.advertiser_id === BUSY).map((r) => r.query.page)).toEqual(['1', '1', '2']);
});

test('an HTML page that persists fails the run after its retries, naming it', async () => {
  const customer = await c.customer({ advertiser_id: DOWN }, { access_token: 'tiktok-access-SECRET' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 2);
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/page 1 answered 200 with an HTML page, not JSON: <!DOCTYPE html><html><head><title>502 Bad Gateway/);
  // Each of the 2 activity attempts sends the page request retry.perRequest.maxAttempts times (tiktok-ads keeps the default).
  expect(c.server.sent(report).filter((r) => r.query.advertiser_id === DOWN)).toHaveLength(2 * REQUEST_RETRY_DEFAULTS.maxAttempts);
});
