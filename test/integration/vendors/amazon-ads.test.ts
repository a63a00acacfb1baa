/**
 * Contract test of vendors/amazon-ads: reporting v3 (create with the versioned content type,
 * poll until COMPLETED, download the pre-signed gzip JSON without auth), Login with Amazon
 * refresh at an overridden token URL, ClientId/Scope headers, a 429 with Retry-After on the
 * create call retried, and a FAILED report failing the run with Amazon's failureReason. The
 * report runs once per profile that GET /v2/profiles lists on the customer's regional host
 * (partitions discovered by the profiles stream): NA at the root of the mock, EU and FE under
 * /eu and /fe, as customers of those regions set overrides.baseUrl.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: 'amzn1.application-oa2-client.fixture', client_secret: 'amzn-client-SECRET', refresh_token: 'Atzr|fixture-amazon-refresh-SECRET' };
const scope = (profile: string) => (r: { headers: Record<string, unknown> }) => r.headers['amazon-advertising-api-scope'] === profile;
beforeAll(async () => {
  c = await startVendorContract('amazon-ads');
  const noScope = (r: { headers: Record<string, unknown> }) => r.headers['amazon-advertising-api-scope'] === undefined;
  c.server.route(
    { method: 'POST', path: '/auth/o2/token', file: 'token.json' },
    { method: 'GET', path: '/v2/profiles', when: noScope, file: 'profiles-na.json' },
    { method: 'GET', path: '/eu/v2/profiles', when: noScope, file: 'profiles-eu.json' },
    { method: 'GET', path: '/fe/v2/profiles', when: noScope, file: 'profiles-fe.json' },
    { method: 'POST', path: '/fe/reporting/reports', when: scope('9999'), body: '{"reportId":"9a9a9a9a-0000-4000-8000-000000000009","status":"PENDING"}' },
    { method: 'GET', path: '/fe/reporting/reports/9a9a9a9a-0000-4000-8000-000000000009', file: 'report-failed.json' },
    { method: 'POST', path: '/eu/reporting/reports', file: 'create-report.json' },
    { method: 'GET', path: '/eu/reporting/reports/2f8f3b1e-7d21-4a4c-9e55-0b6c1f7a9d11', file: 'report-completed.json' },
    { method: 'POST', path: '/reporting/reports', status: 429, file: 'error-429.json', headers: { 'Retry-After': '1' }, times: 1 },
    { method: 'POST', path: '/reporting/reports', file: 'create-report.json' },
    { method: 'GET', path: '/reporting/reports/2f8f3b1e-7d21-4a4c-9e55-0b6c1f7a9d11', file: 'report-completed.json' },
    { method: 'GET', path: '/offline-report-storage-us-east-1-prod/2f8f3b1e.json.gz', file: 'report-data.json', gzip: true, headers: { 'content-type': 'application/octet-stream' } },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('sp_campaigns_daily: create (429 retried), poll to COMPLETED, gzip JSON download, rows loaded', async () => {
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/auth/o2/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'sp_campaigns_daily');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('amazon_ads_sp_campaigns_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [r.profile_id, r.campaign_id, day(r.date), Number(r.clicks)])).toEqual([
    ['1111', '311111111111111', '2024-03-01', 120],
    ['1111', '311111111111111', '2024-03-02', 101],
    ['1111', '322222222222222', '2024-03-01', 6],
  ]);
  const profiles = await c.rows('amazon_ads_profiles', customer, 'profile_id');
  expect(profiles.map((p) => [p.profile_id, p.country_code, p.marketplace_id, p.account_type])).toEqual([['1111', 'US', 'ATVPDKIKX0DER', 'seller']]);
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
  // A Far East customer: its host lists its one JP profile.
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/auth/o2/token`, baseUrl: `${c.server.url}/fe` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 4, 'sp_campaigns_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/^1 of 1 partition\(s\) failed: 9999: .*failed with status FAILED: Report generation failed due to an internal error/);
});

test('an EU customer with two marketplaces: each profile its own report, the same campaigns kept apart by profile_id', async () => {
  const customer = await c.customer({}, secrets, { tokenUrl: `${c.server.url}/auth/o2/token`, baseUrl: `${c.server.url}/eu` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, 4, 'sp_campaigns_daily');
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.summary?.partitions?.map((p) => [p.partition, p.rowsLoaded])).toEqual([['2222', 3], ['3333', 3]]);
  const creates = c.server.sent('/eu/reporting/reports');
  expect(creates.map((r) => r.headers['amazon-advertising-api-scope']).sort()).toEqual(['2222', '3333']);
  const rows = await c.rows('amazon_ads_sp_campaigns_daily', customer, 'profile_id, campaign_id, date');
  expect(rows.map((r) => r.profile_id)).toEqual(['2222', '2222', '2222', '3333', '3333', '3333']);
  expect(c.server.sent('/v2/profiles').filter((r) => r.headers['amazon-advertising-api-scope'] !== undefined)).toHaveLength(0);
});
