/**
 * Contract test of vendors/salesforce's `jwt_bearer` auth variant, the proof of the
 * `jwt_bearer` grant, of `baseUrlFrom` and of `authVariants`: the login host's token endpoint receives a JWT that the mock verifies
 * with the public key of the connected app's certificate (node:crypto, not jose, which DIF
 * signs with) and whose claims it reads as Salesforce documents them; the token answer's
 * instance_url is another server, where every query goes with the token, and the login
 * host sees nothing but the token call. A key the connected app does not know fails the
 * run with Salesforce's invalid_grant message.
 */
import path from 'node:path';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import { projectRoot } from '../../../adapters/settings';
import { setSigningClock } from '../../../auth/signing-clock';
import { FixtureServer, type FixtureRequest } from '../../mock-vendor/fixture-server';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const app = rsa(); // the key whose certificate the connected app holds
const stranger = rsa();
const NOW = 1_709_546_400; // 2024-03-04T10:00:00Z
const secrets = { client_id: '3MVG9fixtureJwtConsumerKey', username: 'integration@acme.example', private_key: app.privateKey };
const TOKEN = '00DFIXTUREJWT!AR8AQFixtureServerToServerToken';
const query = '/services/data/v62.0/query';
const more = '/services/data/v62.0/query/01gRO0000016PIAYA2-2';

const part = (jwt: string, i: number) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString('utf8'));

/** What Salesforce checks of the assertion: the signature with the app's certificate, then the claims. */
function acceptedAssertion(r: FixtureRequest): boolean {
  const jwt = new URLSearchParams(r.body).get('assertion') ?? '';
  const [header, claims, signature] = jwt.split('.');
  if (!signature) return false;
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${claims}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signature, 'base64url'))) return false;
  const c = part(jwt, 1);
  return c.iss === secrets.client_id && c.sub === secrets.username && c.aud === 'https://login.salesforce.com' && c.exp > NOW && c.exp <= NOW + 180;
}

let c: VendorContract;
let instance: FixtureServer;

beforeAll(async () => {
  setSigningClock({ now: () => new Date(NOW * 1000) });
  // The org's instance, a server of its own, so the test sees which host each request reached.
  instance = new FixtureServer(path.join(projectRoot(), 'vendors', 'salesforce', 'fixtures'));
  await instance.start();
  instance.route({ method: 'GET', path: query, file: 'query-page-1.json' }, { method: 'GET', path: more, file: 'query-page-2.json' });
  // The real config; only the mock instance's loopback host is added to the allowed ones.
  c = await startVendorContract('salesforce', (config) => config.authVariants.jwt_bearer.baseUrlFrom.hosts.push('127.0.0.1'));
  const token = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'salesforce', 'fixtures', 'token-jwt-bearer.json'), 'utf8'));
  c.server.route(
    { method: 'POST', path: '/services/oauth2/token', when: acceptedAssertion, body: JSON.stringify({ ...token, instance_url: instance.url }) },
    { method: 'POST', path: '/services/oauth2/token', status: 400, file: 'error-400-invalid-grant.json' },
  );
});
afterAll(async () => {
  setSigningClock();
  await instance?.stop();
  await c?.shutdown();
});

test('the JWT bearer grant gets a token; every query goes to instance_url with it; rows loaded', async () => {
  const customer = await c.customer({}, secrets, { authVariant: 'jwt_bearer' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'opportunities');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('salesforce_opportunities', customer, 'id');
  expect(rows.map((r) => r.id)).toEqual(['006RO00000A1AAAYA3', '006RO00000A2AAAYA3', '006RO00000A3AAAYA3']);

  const grants = c.server.sent('/services/oauth2/token');
  expect(grants).toHaveLength(1);
  const form = new URLSearchParams(grants[0].body);
  expect([...form.keys()]).toEqual(['grant_type', 'assertion']);
  expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
  expect(part(form.get('assertion')!, 0)).toEqual({ alg: 'RS256' });
  expect(part(form.get('assertion')!, 1)).toEqual({ iss: secrets.client_id, sub: secrets.username, aud: 'https://login.salesforce.com', exp: NOW + 180 });

  // The login host served the token only; the instance served the queries, with the token.
  expect(c.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /services/oauth2/token']);
  const queries = instance.sent(query).concat(instance.sent(more));
  expect(queries).toHaveLength(2);
  for (const r of queries) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);

  const stored = c.storedText();
  expect(stored).not.toContain(TOKEN);
  expect(stored).not.toContain(form.get('assertion'));
  expect(stored).not.toContain(app.privateKey.split('\n')[1]);
});

test('a key the connected app does not know: invalid_grant fails the run with Salesforce\'s message, nothing queried', async () => {
  const customer = await c.customer({}, { ...secrets, private_key: stranger.privateKey }, { authVariant: 'jwt_bearer' });
  const before = instance.requests.length;
  const grants = c.server.sent('/services/oauth2/token').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, undefined, 'opportunities');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/POST \/services\/oauth2\/token refused the credentials \(400\): .*"error": "invalid_grant".*"error_description": "invalid assertion"/s);
  expect(instance.requests.length).toBe(before);
  // A CredentialError is final: the grant is not tried again by the activity's retries.
  expect(c.server.sent('/services/oauth2/token').length - grants).toBe(1);
  expect(outcome.error).not.toContain(stranger.privateKey.split('\n')[1]);
});
