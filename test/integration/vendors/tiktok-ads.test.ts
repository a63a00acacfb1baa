/**
 * Contract test of vendors/tiktok-ads: the integrated report paged by page/page_size until
 * page_info.total_page, the Access-Token header, and TikTok's errors inside HTTP 200
 * answers (config `errors`): 40100 QPS throttling retried, 40001 failing with TikTok's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'tiktok-access-SECRET';
const report = '/open_api/v1.3/report/integrated/get/';
beforeAll(async () => {
  c = await startVendorContract('tiktok-ads');
  c.server.route(
    { method: 'GET', path: report, when: (r) => r.query.advertiser_id === '7000000000000000404', file: 'error-40001-permission.json' },
    { method: 'GET', path: report, when: (r) => r.query.page === '2', file: 'error-40100-qps.json', times: 1 },
    { method: 'GET', path: report, when: (r) => r.query.page === '1', file: 'report-page-1.json' },
    { method: 'GET', path: report, when: (r) => r.query.page === '2', file: 'report-page-2.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('campaign_daily: pages until total_page, a code 40100 in a 200 retried, rows loaded', async () => {
  const customer = await c.customer({ advertiser_id: '7000000000000000001' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('tiktok_ads_campaign_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, day(r.date), Number(r.clicks)])).toEqual([
    ['1790000000000001', '2024-03-01', 75],
    ['1790000000000001', '2024-03-02', 60],
    ['1790000000000002', '2024-03-01', 12],
  ]);
  expect(Number(rows[0].spend)).toBeCloseTo(20.5);
  expect(rows[0].advertiser_id).toBe('7000000000000000001');

  const sent = c.server.sent(report).filter((r) => r.query.advertiser_id === '7000000000000000001');
  expect(sent.map((r) => r.query.page)).toEqual(['1', '2', '2']); // page 2 throttled once
  expect(sent[0].query).toMatchObject({ report_type: 'BASIC', data_level: 'AUCTION_CAMPAIGN', page_size: '1000', start_date: '2024-03-01', end_date: '2024-03-02' });
  expect(JSON.parse(sent[0].query.dimensions)).toEqual(['campaign_id', 'stat_time_day']);
  expect(sent.every((r) => r.headers['access-token'] === TOKEN)).toBe(true);
  expect(c.storedText()).not.toContain(TOKEN);
});

test('code 40001 in an HTTP 200 fails at once with TikTok’s message and request id', async () => {
  const customer = await c.customer({ advertiser_id: '7000000000000000404' }, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/reported an error: code 40001: No permission to operate advertiser .* \(request_id 2024030112000404\)/);
  expect(c.server.sent(report).filter((r) => r.query.advertiser_id === '7000000000000000404')).toHaveLength(1);
});
