/**
 * Contract test of vendors/microsoft-advertising, the proof of XML and SOAP: a
 * CampaignPerformanceReportRequest submitted as a SOAP envelope (SubmitGenerateReport),
 * polled (PollGenerateReport: Pending, then Success with a ReportDownloadUrl) and its zipped
 * CSV downloaded without auth, over real HTTP on the real Temporal server. The OAuth access
 * token and the developer token travel inside the envelope (SOAP header elements
 * AuthenticationToken and DeveloperToken, placed by the signer); the fixture server reads
 * the envelope as Microsoft would (an XML parser) and answers Microsoft's AdApiFaultDetail
 * fault when the token is not the one the token endpoint issued. The fixture access token
 * carries `&<>"'`, so the envelope proves it is XML-escaped.
 */
import { XMLParser } from 'fast-xml-parser';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const SERVICE = '/Api/Advertiser/Reporting/v13/ReportingService.svc';
const TOKEN_PATH = '/common/oauth2/v2.0/token';
const DOWNLOAD = '/ReportDownload/30000001876543210987.zip';
const REPORT_ID = '30000001876543210987';
/** The fixture's access token (token.json), as issued. */
const ACCESS_TOKEN = 'EwAIA+pvBAAUKods63Ys1fGlwiccIFJ+9u&<FixtureAccessToken>"\'0123456789';
const ROTATED_REFRESH = 'M.C107_BAY.0.U.-FixtureRotatedRefreshToken0123456789';

const secrets = {
  client_id: '4c7b1e2a-9d3f-4a6b-8e5c-fixtureclient',
  client_secret: 'msFixtureClientSECRET~0123456789abcdef',
  refresh_token: 'M.C107_BAY.0.U.-FixtureRefreshToken0123456789',
  developer_token: 'BBD37VB98FixtureDeveloperToken',
};
const inputs = (account_id: string) => ({ customer_id: '21012345', account_id, report_time_zone: 'GreenwichMeanTimeDublinEdinburghLisbonLondon' });
const ACCOUNT = '180123456';
const NOT_AUTHORIZED = '180999999';
const NO_DATA = '180000000';
const THROTTLED_ONCE = '180117117';

const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
/** The envelope as Microsoft reads it. */
function envelope(r: FixtureRequest): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  return xml.parse(r.body).Envelope;
}
const header = (r: FixtureRequest) => envelope(r).Header;
const accountOf = (r: FixtureRequest): string => String(header(r).CustomerAccountId['#text'] ?? header(r).CustomerAccountId);
const text = (value: any): string => (typeof value === 'object' ? value['#text'] : value); // eslint-disable-line @typescript-eslint/no-explicit-any
const badToken = (r: FixtureRequest) => text(header(r).AuthenticationToken) !== ACCESS_TOKEN || text(header(r).DeveloperToken) !== secrets.developer_token;
const action = (name: string) => (r: FixtureRequest) => r.headers.soapaction === name;
const XML = { 'content-type': 'text/xml; charset=utf-8' };

let c: VendorContract;

beforeAll(async () => {
  // The real config with its poll wait scaled down in time only.
  c = await startVendorContract('microsoft-advertising', (config) => {
    config.streams.campaign_performance_daily.steps[0].poll.intervalSeconds = 0.2;
    config.retry.initialIntervalSeconds = 0.2;
  });
  const rightRefresh = (r: FixtureRequest) =>
    [secrets.refresh_token, ROTATED_REFRESH].includes(r.json?.refresh_token) &&
    r.json?.client_id === secrets.client_id &&
    r.json?.client_secret === secrets.client_secret &&
    r.json?.grant_type === 'refresh_token' &&
    r.json?.scope === 'https://ads.microsoft.com/msads.manage offline_access';
  c.server.route(
    { method: 'POST', path: TOKEN_PATH, when: rightRefresh, file: 'token.json' },
    { method: 'POST', path: TOKEN_PATH, status: 400, file: 'token-invalid-grant.json' },
    { method: 'POST', path: SERVICE, when: badToken, status: 500, file: 'fault-ad-api-invalid-credentials.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: (r) => action('SubmitGenerateReport')(r) && accountOf(r) === NOT_AUTHORIZED, status: 500, file: 'fault-api-operation-error.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: (r) => action('SubmitGenerateReport')(r) && accountOf(r) === THROTTLED_ONCE, times: 1, status: 500, file: 'fault-call-rate-exceeded.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: action('SubmitGenerateReport'), file: 'submit-generate-report-response.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: (r) => action('PollGenerateReport')(r) && accountOf(r) === NO_DATA, file: 'poll-success-no-data.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: (r) => action('PollGenerateReport')(r) && accountOf(r) === ACCOUNT, times: 1, file: 'poll-pending.xml', headers: XML },
    { method: 'POST', path: SERVICE, when: action('PollGenerateReport'), file: 'poll-success.xml', headers: XML },
    { method: 'GET', path: DOWNLOAD, file: 'campaign-performance-report.csv', zip: `${REPORT_ID}.csv`, headers: { 'content-type': 'application/octet-stream' } },
  );
});
afterAll(async () => {
  await c?.shutdown();
});

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
const secretValues = [...Object.values(secrets), ACCESS_TOKEN, ROTATED_REFRESH];
const forAccount = (account: string) => c.server.sent(SERVICE).filter((r) => accountOf(r) === account);

test('campaign_performance_daily: SOAP submit, poll Pending then Success, zipped CSV downloaded without auth, one row per campaign and day', async () => {
  const customer = await c.customer(inputs(ACCOUNT), secrets, { tokenUrl: `${c.server.url}${TOKEN_PATH}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('microsoft_advertising_campaign_performance_daily', customer, 'campaign_id, date');
  expect(rows.map((r) => [day(r.date), r.account_id, r.campaign_id, r.campaign_name, r.campaign_status, Number(r.impressions), Number(r.clicks), r.spend, r.conversions, r.revenue, r.currency_code])).toEqual([
    ['2024-03-01', ACCOUNT, '512345678', 'Spring Sale - Search', 'Active', 12840, 311, '245.67', '18.00', '1523.40', 'USD'],
    ['2024-03-02', ACCOUNT, '512345678', 'Spring Sale - Search', 'Active', 11977, 289, '230.05', '15.00', '1288.75', 'USD'],
    ['2024-03-01', ACCOUNT, '512345679', 'Brand, "Contoso" Exact', 'Active', 3051, 402, '98.10', '41.50', '3310.00', 'USD'],
    ['2024-03-02', ACCOUNT, '512345679', 'Brand, "Contoso" Exact', 'Paused', 0, 0, '0.00', '0.00', '0.00', 'USD'],
  ]);

  const calls = forAccount(ACCOUNT);
  expect(calls.map((r) => r.headers.soapaction)).toEqual(['SubmitGenerateReport', 'PollGenerateReport', 'PollGenerateReport']);
  for (const r of calls) {
    expect(r.headers['content-type']).toBe('text/xml; charset=utf-8');
    // The token travels once, in the envelope: no Authorization header repeats it.
    expect(r.headers.authorization).toBeUndefined();
    // Escaped in the text sent, and the very token once an XML parser reads it.
    expect(r.body).toContain('<AuthenticationToken i:nil="false">EwAIA+pvBAAUKods63Ys1fGlwiccIFJ+9u&amp;&lt;FixtureAccessToken&gt;&quot;&apos;0123456789</AuthenticationToken>');
    expect(text(header(r).AuthenticationToken)).toBe(ACCESS_TOKEN);
    expect(header(r)).toMatchObject({ Action: { '#text': r.headers.soapaction, '@mustUnderstand': '1' } });
    expect(text(header(r).DeveloperToken)).toBe(secrets.developer_token);
    expect(text(header(r).CustomerId)).toBe('21012345');
    expect(text(header(r).CustomerAccountId)).toBe(ACCOUNT);
  }
  const request = envelope(calls[0]).Body.SubmitGenerateReportRequest.ReportRequest;
  expect(request['@type']).toBe('CampaignPerformanceReportRequest');
  expect(request).toMatchObject({
    ExcludeReportHeader: { '#text': 'true' },
    ExcludeReportFooter: { '#text': 'true' },
    Format: { '#text': 'Csv' },
    Aggregation: 'Daily',
    Time: {
      CustomDateRangeStart: { Day: '1', Month: '3', Year: '2024' },
      CustomDateRangeEnd: { Day: '2', Month: '3', Year: '2024' },
      ReportTimeZone: { '#text': 'GreenwichMeanTimeDublinEdinburghLisbonLondon' },
    },
  });
  expect(request.Columns.CampaignPerformanceReportColumn).toEqual(['TimePeriod', 'AccountId', 'AccountName', 'CampaignId', 'CampaignName', 'CampaignStatus', 'CurrencyCode', 'Impressions', 'Clicks', 'Spend', 'Conversions', 'Revenue']);
  expect(text(request.Scope.AccountIds.long)).toBe(ACCOUNT);
  expect(text(envelope(calls[1]).Body.PollGenerateReportRequest.ReportRequestId)).toBe(REPORT_ID);

  const [download] = c.server.sent(DOWNLOAD);
  expect(download.query).toMatchObject({ sv: '2019-12-12', sig: 'FixtureSasSignature=' }); // &amp; decoded: every SAS parameter arrived
  expect(download.headers.authorization).toBeUndefined();
  expect(download.body).toBe('');

  const stored = c.storedText();
  for (const value of secretValues) {
    expect(stored).not.toContain(value);
    expect(stored).not.toContain(value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  }
});

test('a SOAP fault (ApiFaultDetail, OperationError 2003) fails the run at once with Microsoft’s code and message', async () => {
  const customer = await c.customer(inputs(NOT_AUTHORIZED), secrets, { tokenUrl: `${c.server.url}${TOKEN_PATH}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(
    /POST \/Api\/Advertiser\/Reporting\/v13\/ReportingService\.svc answered 500: SOAP fault s:Server: Invalid client data\..* — 2003 ReportingServiceAccountNotAuthorized: The specified account is not authorized for the current user or does not exist\./,
  );
  expect(forAccount(NOT_AUTHORIZED)).toHaveLength(1); // final: not retried
  for (const value of secretValues) expect(outcome.error).not.toContain(value);
});

test('fault 117 CallRateExceeded is throttling (errors.retryWhen): retried, then the run completes', async () => {
  const customer = await c.customer(inputs(THROTTLED_ONCE), secrets, { tokenUrl: `${c.server.url}${TOKEN_PATH}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  expect(forAccount(THROTTLED_ONCE).filter(action('SubmitGenerateReport'))).toHaveLength(2);
});

test('Success with a nil ReportDownloadUrl (no data in the window): no rows, nothing downloaded', async () => {
  const customer = await c.customer(inputs(NO_DATA), secrets, { tokenUrl: `${c.server.url}${TOKEN_PATH}` });
  const downloads = c.server.sent(DOWNLOAD).length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('microsoft_advertising_campaign_performance_daily', customer, 'campaign_id, date')).toEqual([]);
  expect(c.server.sent(DOWNLOAD).length).toBe(downloads);
});

test('a wrong refresh token: the Microsoft identity platform answers 400 invalid_grant and the run fails with its message', async () => {
  const wrong = 'M.C107_BAY.0.U.-WrongRefreshToken9876543210';
  const customer = await c.customer(inputs(ACCOUNT), { ...secrets, refresh_token: wrong }, { tokenUrl: `${c.server.url}${TOKEN_PATH}` });
  const before = c.server.sent(SERVICE).length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/POST \/common\/oauth2\/v2\.0\/token refused the credentials \(400\): .*invalid_grant.*AADSTS70000: Provided grant is invalid or malformed/s);
  expect(c.server.sent(SERVICE).length).toBe(before); // no SOAP call without a token
  for (const value of [...secretValues, wrong]) expect(outcome.error).not.toContain(value);
});
