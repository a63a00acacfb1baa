/**
 * The one case of vendors/apple-search-ads its contract table (vendors/apple-search-ads/
 * contract.json) does not hold: an org with more than 1,000 campaigns is read page by page,
 * the offset written inside the body's `selector.pagination` and grown by the report rows
 * (not by the per-day records they are flattened into). Its first page of 1,000 rows is
 * built here from the fixture rather than committed as a 1,000-row file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { projectRoot } from '../../../adapters/settings';
import { setSigningClock } from '../../../auth/signing-clock';
import { jwtVerifies } from '../../setup/jwt-check';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const good = generateKeyPairSync('ec', { namedCurve: 'P-256', publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
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
    { method: 'POST', path: report, when: (r) => r.headers['x-ap-context'] === BIG_ORG && r.json?.selector?.pagination?.offset === 0, body: bigOrgPage(0) },
    { method: 'POST', path: report, when: (r) => r.headers['x-ap-context'] === BIG_ORG && r.json?.selector?.pagination?.offset === 1000, body: bigOrgPage(1000) },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
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
