/**
 * Contract test of vendors/amazon-ads: reporting v3 (create with the versioned content type,
 * poll until COMPLETED, download the pre-signed gzip JSON without auth), Login with Amazon
 * refresh at an overridden token URL, ClientId/Scope headers, a 429 with Retry-After on the
 * create call retried, and a FAILED report failing the run with Amazon's failureReason.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: 'amzn1.application-oa2-client.fixture', client_secret: 'amzn-client-SECRET', refresh_token: 'Atzr|fixture-amazon-refresh-SECRET' };
const scope = (profile: string) => (r: { headers: Record<string, unknown> }) => r.headers['amazon-advertising-api-scope'] === profile;
beforeAll(async () => {
  c = await startVendorContract('amazon-ads');
  c.server.route(
    { method: 'POST', path: '/auth/o2/token', file: 'token.json' },
    { method: 'POST', path: '/reporting/reports', when: scope('9999'), body: '{"reportId":"9a9a9a9a-0000-4000-8000-000000000009","status":"PENDING"}' },
    { method: 'GET', path: '/reporting/reports/9a9a9a9a-0000-4000-8000-000000000009', file: 'report-failed.json' },
    { method: 'POST', path: '/reporting/reports', status: 429, file: 'error-429.json', headers: { 'Retry-After': '1' }, times: 1 },
    { method: 'POST', path: '/reporting/reports', file: 'create-report.json' },
    { method: 'GET', path: '/reporting/reports/2f8f3b1e-7d21-4a4c-9e55-0b6c1f7a9d11', file: 'report-completed.json' },
    { method: 'GET', path: '/offline-report-storage-us-east-1-prod/2f8f3b1e.json.gz', file: 'report-data.json', gzip: true, headers: { 'content-type': 'application/octet-stream' } },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('sp_campaigns_daily: create (429 retried), poll to COMPLETED, gzip JSON download, rows loaded', async () => {
  const customer = await c.customer({ profile_id: '1111' }, secrets, { tokenUrl: `${c.server.url}/auth/o2/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('amazon_ads_sp_campaigns_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.campaign_id, day(r.date), Number(r.clicks)])).toEqual([
    ['311111111111111', '2024-03-01', 120],
    ['311111111111111', '2024-03-02', 101],
    ['322222222222222', '2024-03-01', 6],
  ]);
  expect(Number(rows[0].sales_7d)).toBeCloseTo(310.5);

  const creates = c.server.sent('/reporting/reports').filter(scope('1111'));
  expect(creates).toHaveLength(2); // the 429, then the accepted one
  const create = creates[1];
  expect(create.headers['content-type']).toBe('application/vnd.createasyncreportrequest.v3+json');
  expect(create.headers['amazon-advertising-api-clientid']).toBe(secrets.client_id);
  expect(create.headers.authorization).toBe('Bearer Atza|fixture-amazon-access-token');
  expect(JSON.parse(create.body)).toMatchObject({ startDate: '2024-03-01', endDate: '2024-03-02', configuration: { reportTypeId: 'spCampaigns', timeUnit: 'DAILY', format: 'GZIP_JSON' } });
  const download = c.server.sent('/offline-report-storage-us-east-1-prod/2f8f3b1e.json.gz');
  expect(download).toHaveLength(1);
  expect(download[0].headers.authorization).toBeUndefined(); // pre-signed: no vendor auth
  // Nor the profile id: the vendor-level Amazon-Advertising-API-Scope is dropped for the S3 host.
  expect(download[0].headers).not.toHaveProperty('amazon-advertising-api-scope');
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
  expect(stored).not.toContain('Atza|fixture-amazon-access-token');
});

test('a FAILED report fails the run with Amazon’s failureReason and is not downloaded', async () => {
  const customer = await c.customer({ profile_id: '9999' }, secrets, { tokenUrl: `${c.server.url}/auth/o2/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/failed with status FAILED: Report generation failed due to an internal error/);
});
