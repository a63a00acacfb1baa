/**
 * Contract test of vendors/naver-search-ad: GET /ncc/campaigns signed per request with the
 * hmac auth kind. The mock recomputes X-Signature from the documented algorithm
 * (test/mock-vendor/signatures.ts, node:crypto) and answers 403 with Naver's error body
 * when it does not verify; the signing clock is fixed, so the exact signature is known.
 */
import { setSigningClock } from '../../../auth/signing-clock';
import { naverSignature } from '../../mock-vendor/signatures';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const SECRET_KEY = 'naver-secret-key-SECRET';
const API_KEY = '0100000000naver-license-SECRET';
const FIXED = new Date('2024-03-01T12:00:00.000Z');

const verifies = (r: FixtureRequest) =>
  r.headers['x-api-key'] === API_KEY && r.headers['x-signature'] === naverSignature(SECRET_KEY, String(r.headers['x-timestamp']), r.method, r.path);

beforeAll(async () => {
  setSigningClock({ now: () => FIXED });
  c = await startVendorContract('naver-search-ad');
  c.server.route(
    { method: 'GET', path: '/ncc/campaigns', when: (r) => !verifies(r), status: 403, file: 'error-403-signature.json' },
    { method: 'GET', path: '/ncc/campaigns', when: (r) => r.headers['x-customer'] === '1234567', file: 'campaigns.json' },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
});

test('campaigns: signed headers verified by the mock, rows loaded', async () => {
  const customer = await c.customer({ customer_id: '1234567' }, { secret_key: SECRET_KEY, api_key: API_KEY });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('naver_search_ad_campaigns', customer, 'campaign_id');
  expect(rows.map((r) => [r.campaign_id, Number(r.customer_id), r.name, r.campaign_type, Number(r.daily_budget), r.use_daily_budget, r.user_lock, r.status])).toEqual([
    ['cmp-a001-01-000000004651001', 1234567, 'Brand keywords', 'WEB_SITE', 50000, true, false, 'ELIGIBLE'],
    ['cmp-a001-01-000000004651002', 1234567, 'Shopping — spring', 'SHOPPING', 0, false, true, 'PAUSED'],
  ]);
  expect(new Date(rows[0].registered_at).toISOString()).toBe('2024-01-10T03:12:45.000Z');

  const [sent] = c.server.sent('/ncc/campaigns').filter((r) => r.headers['x-customer'] === '1234567');
  expect(sent.headers['x-timestamp']).toBe(String(FIXED.getTime()));
  // Recomputed in the test: base64(HMAC-SHA256(secret key, "1709294400000.GET./ncc/campaigns")).
  expect(sent.headers['x-signature']).toBe(naverSignature(SECRET_KEY, '1709294400000', 'GET', '/ncc/campaigns'));
  expect(sent.headers['x-signature']).toBe('QdHTyn/ILfJpHTV5ELUUKpM2zsYRy5sUl/0/JXpUNxg=' /* openssl dgst -sha256 -hmac … -binary | base64 */);
  expect(c.storedText()).not.toContain(SECRET_KEY);
  expect(c.storedText()).not.toContain(API_KEY);
});

test('a wrong secret key: the mock answers 403 and the run fails with Naver’s message, the key nowhere in it', async () => {
  const customer = await c.customer({ customer_id: '1234567' }, { secret_key: 'not-the-key-SECRET', api_key: API_KEY });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/ncc\/campaigns answered 403: .*"code": ?1018.*No permission to access the resource\./);
  expect(outcome.error).not.toContain('not-the-key-SECRET');
});
