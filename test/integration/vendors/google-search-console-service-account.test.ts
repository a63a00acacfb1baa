/**
 * Contract test of vendors/google-search-console's `service_account` auth variant (the
 * customer override `authVariant`): the jwt-bearer grant with
 * an RS256 assertion that the mock token endpoint verifies with the service account's
 * public key (400 invalid_grant otherwise, as Google answers); on a fixed clock the whole
 * assertion equals one rebuilt here from Google's documented claims with node:crypto. A
 * 401 from the API drops the token and a new one is obtained.
 */
import { generateKeyPairSync } from 'node:crypto';
import { setSigningClock } from '../../../auth/signing-clock';
import { jwtVerifies, rs256Jwt, serviceAccountKeyFile as keyFile } from '../../setup/jwt-check';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const good = pair();
const wrong = pair();
const email = 'dif-reader@example-project.iam.gserviceaccount.com';
const NOW = Date.parse('2024-03-05T10:00:00Z');
const site = (s: string) => `/webmasters/v3/sites/${encodeURIComponent(s)}/searchAnalytics/query`;
const query = site('https://www.example.com/');

let c: VendorContract;
beforeAll(async () => {
  setSigningClock({ now: () => new Date(NOW) });
  c = await startVendorContract('google-search-console');
  c.server.route(
    { method: 'POST', path: '/token', when: (r) => jwtVerifies(r.json?.assertion, good.publicKey, 'RS256'), file: 'token-service-account.json' },
    { method: 'POST', path: '/token', status: 400, file: 'error-400-invalid-grant.json' },
    { method: 'POST', path: query, status: 401, times: 1, body: '{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}' },
    { method: 'POST', path: query, file: 'query-page-1.json' },
  );
});
afterAll(async () => {
  setSigningClock();
  await c?.shutdown();
});

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('the assertion equals the documented RS256 JWT, a 401 renews the token, rows loaded', async () => {
  const secrets = { service_account_key: keyFile(good.privateKey), delegated_user: 'analyst@example.com' };
  const customer = await c.customer({ site_url: 'https://www.example.com/' }, secrets, { tokenUrl: `${c.server.url}/token`, authVariant: 'service_account' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('gsc_search_analytics_daily', customer, 'date, query');
  expect(rows.map((r) => [day(r.date), r.query, Number(r.clicks)])).toEqual([
    ['2024-03-01', 'running shoes', 42],
    ['2024-03-01', 'trail shoes', 7],
    ['2024-03-02', 'running shoes', 39],
  ]);

  const tokenCalls = c.server.sent('/token');
  expect(tokenCalls).toHaveLength(2); // the first token, and a new one after the 401
  const iat = NOW / 1000;
  const expected = rs256Jwt(
    { alg: 'RS256', typ: 'JWT', kid: '3f5c1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e' },
    { iss: email, sub: 'analyst@example.com', scope: 'https://www.googleapis.com/auth/webmasters.readonly', aud: `${c.server.url}/token`, exp: iat + 3600, iat },
    good.privateKey,
  );
  for (const call of tokenCalls) {
    expect(call.json).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: expected });
  }
  const sent = c.server.sent(query);
  expect(sent).toHaveLength(2);
  expect(sent[1].headers.authorization).toBe('Bearer ya29.c.fixture-service-account-token');
  expect(sent[1].json).toMatchObject({ startDate: '2024-03-01', endDate: '2024-03-02', startRow: 0, rowLimit: 25000 });
  const stored = c.storedText();
  const body = good.privateKey.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  for (const leak of [secrets.service_account_key, good.privateKey, body, body.slice(100, 164)]) expect(stored).not.toContain(leak);
});

test('a key the service account does not have: 400 invalid_grant, the run fails with Google’s message', async () => {
  const before = c.server.sent(query).length;
  const customer = await c.customer({ site_url: 'https://www.example.com/' }, { service_account_key: keyFile(wrong.privateKey), delegated_user: 'analyst@example.com' }, { tokenUrl: `${c.server.url}/token`, authVariant: 'service_account' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/CredentialError|refused the credentials/);
  expect(outcome.error).toMatch(/POST \/token refused the credentials \(400\): .*"invalid_grant".*Invalid JWT Signature\./s);
  expect(c.server.sent(query)).toHaveLength(before); // no API call without a token
});

test('a key file that is not JSON fails at once without quoting it', async () => {
  const customer = await c.customer({ site_url: 'https://www.example.com/' }, { service_account_key: `not json ${good.privateKey}`, delegated_user: 'analyst@example.com' }, { tokenUrl: `${c.server.url}/token`, authVariant: 'service_account' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/credential service_account_key is not a service-account JSON key file: not JSON/);
  expect(outcome.error).not.toContain('BEGIN PRIVATE KEY');
});
