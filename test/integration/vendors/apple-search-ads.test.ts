/**
 * Contract test of vendors/apple-search-ads: the client secret is an ES256 JWT that the mock
 * token endpoint verifies with the customer's public key (400 invalid_client otherwise);
 * on a fixed clock its header and claims are exactly Apple's documented ones, and its
 * signature verifies here with node:crypto (ECDSA signatures are randomised, so it is
 * verified rather than recomputed). The report is sent with `X-AP-Context: orgId=…` and
 * its daily rows are loaded. An org with more than 1,000 campaigns is read page by page,
 * the offset written inside the body's `selector.pagination` and grown by the report rows
 * (not by the per-day records they are flattened into).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { projectRoot } from '../../../adapters/settings';
import { setSigningClock } from '../../../auth/signing-clock';
import { jwtParts, jwtVerifies } from '../../setup/jwt-check';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const good = pair();
const wrong = pair();
const NOW = Date.parse('2024-03-05T10:00:00Z');
const report = '/api/v5/reports/campaigns';
const tokenPath = '/auth/oauth2/token';
const credentials = (privateKey: string) => ({
  client_id: 'SEARCHADS.27478e71-3bb0-4588-998c-182e2b405577',
  team_id: 'SEARCHADS.27478e71-3bb0-4588-998c-182e2b405577',
  key_id: 'bacaebda-e219-41ee-a907-e2c25b24d1b2',
  private_key: privateKey,
});

/** An org of 1,001 campaigns: a first page of 1,000 rows (two days each: 2,000 records), then the fixture's last row. */
const BIG_ORG = 'orgId=40669899';
const fixture = () => JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'apple-search-ads', 'fixtures', 'campaigns-report.json'), 'utf8'));
function bigOrgPage(offset: number): string {
  const page = fixture();
  const [first, last] = page.data.reportingDataResponse.row;
  page.data.reportingDataResponse.row =
    offset === 0
      ? Array.from({ length: 1000 }, (_, i) => ({ ...first, metadata: { ...first.metadata, campaignId: 900000000 + i } }))
      : [last];
  page.pagination = { totalResults: 1001, startIndex: offset, itemsPerPage: page.data.reportingDataResponse.row.length };
  return JSON.stringify(page);
}

let c: VendorContract;
beforeAll(async () => {
  setSigningClock({ now: () => new Date(NOW) });
  c = await startVendorContract('apple-search-ads');
  c.server.route(
    { method: 'POST', path: tokenPath, when: (r) => jwtVerifies(r.json?.client_secret, good.publicKey, 'ES256'), file: 'token.json' },
    { method: 'POST', path: tokenPath, status: 400, file: 'error-400-invalid-client.json' },
    { method: 'POST', path: report, when: (r) => r.headers['x-ap-context'] === 'orgId=40669820', file: 'campaigns-report.json' },
    { method: 'POST', path: report, when: (r) => r.headers['x-ap-context'] === BIG_ORG && r.json?.selector?.pagination?.offset === 0, body: bigOrgPage(0) },
    { method: 'POST', path: report, when: (r) => r.headers['x-ap-context'] === BIG_ORG && r.json?.selector?.pagination?.offset === 1000, body: bigOrgPage(1000) },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
});

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('campaigns_daily: a documented ES256 client secret, X-AP-Context sent, daily rows loaded', async () => {
  const secrets = credentials(good.privateKey);
  const customer = await c.customer({ org_id: '40669820' }, secrets, { tokenUrl: `${c.server.url}${tokenPath}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('apple_search_ads_campaigns_daily', customer, 'date, campaign_id');
  expect(rows.map((r) => [day(r.date), r.campaign_id, r.campaign_name, Number(r.impressions), Number(r.taps), Number(r.total_installs), Number(r.local_spend), r.currency])).toEqual([
    ['2024-03-01', '542370539', 'Search Results - US', 1520, 61, 22, 48.8, 'USD'],
    ['2024-03-01', '542370601', 'Search Results - GB', 300, 9, 3, 7.2, 'GBP'],
    ['2024-03-02', '542370539', 'Search Results - US', 1410, 55, 19, 44, 'USD'],
  ]);

  const [token] = c.server.sent(tokenPath);
  expect(token.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(token.json).toEqual({ grant_type: 'client_credentials', client_id: secrets.client_id, client_secret: expect.any(String), scope: 'searchadsorg' });
  const secret = token.json.client_secret as string;
  const iat = NOW / 1000;
  expect(jwtParts(secret)).toEqual({
    header: JSON.stringify({ alg: 'ES256', kid: secrets.key_id }),
    claims: JSON.stringify({ sub: secrets.client_id, aud: 'https://appleid.apple.com', iat, exp: iat + 600, iss: secrets.team_id }),
  });
  expect(jwtVerifies(secret, good.publicKey, 'ES256')).toBe(true);
  expect(jwtVerifies(secret, wrong.publicKey, 'ES256')).toBe(false);

  const [sent] = c.server.sent(report);
  expect(sent.headers.authorization).toBe('Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjpudWxsfQ..fixture-apple-access-token');
  expect(sent.headers['x-ap-context']).toBe('orgId=40669820');
  expect(sent.json).toMatchObject({ startTime: '2024-03-01', endTime: '2024-03-02', granularity: 'DAILY', selector: { pagination: { offset: 0, limit: 1000 } } });
  const stored = c.storedText();
  const body = good.privateKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  for (const leak of [good.privateKey, body, secret]) expect(stored).not.toContain(leak);
});

test('a private key Apple does not know: 400 invalid_client, the run fails with Apple’s message', async () => {
  const customer = await c.customer({ org_id: '40669821' }, credentials(wrong.privateKey), { tokenUrl: `${c.server.url}${tokenPath}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/POST \/auth\/oauth2\/token refused the credentials \(400\): \{\s*"error": "invalid_client"\s*\}/);
  expect(c.server.sent(report).filter((r) => r.headers['x-ap-context'] === 'orgId=40669821')).toHaveLength(0);
});

test('an RSA key where ES256 needs EC P-256 fails at once without quoting it', async () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const customer = await c.customer({ org_id: '40669822' }, credentials(rsa.privateKey), { tokenUrl: `${c.server.url}${tokenPath}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/credential private_key is not a key for ES256 \(EC P-256\)/);
  expect(outcome.error).not.toContain('PRIVATE KEY');
});

test('more than 1,000 campaigns: the offset inside selector.pagination grows by the rows, not the daily records', async () => {
  const customer = await c.customer({ org_id: '40669899' }, credentials(good.privateKey), { tokenUrl: `${c.server.url}${tokenPath}` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const sent = c.server.sent(report).filter((r) => r.headers['x-ap-context'] === BIG_ORG);
  // Two pages: 1,000 rows, then the last; the short second page ends the pagination.
  expect(sent.map((r) => r.json.selector)).toEqual([
    { orderBy: [{ field: 'campaignId', sortOrder: 'ASCENDING' }], pagination: { offset: 0, limit: 1000 } },
    { orderBy: [{ field: 'campaignId', sortOrder: 'ASCENDING' }], pagination: { offset: 1000, limit: 1000 } },
  ]);
  const rows = await c.rows('apple_search_ads_campaigns_daily', customer, 'date, campaign_id');
  expect(rows).toHaveLength(2 * 1000 + 1); // two days for each of the first page's rows; the fixture's GB row has one
  expect(rows.find((r) => r.campaign_id === '542370601')).toMatchObject({ campaign_name: 'Search Results - GB', impressions: '300' });
});
