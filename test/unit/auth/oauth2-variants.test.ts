/**
 * The OAuth 2 variants without services: what validation says of each grant's fields, the
 * token in a vendor's own header, token answers with other field names, the API base URL
 * taken from the token answer (and refused on a host the config does not allow), and the
 * jwt_bearer assertion, verified here with the public key by node:crypto (not jose, which
 * DIF signs with) and read claim by claim against Salesforce's documented JWT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerify, generateKeyPairSync } from 'node:crypto';
import type { BuiltRequest } from '../../../activities/http-request';
import { accessTokenOf } from '../../../auth/access-token';
import { authSecretNames } from '../../../auth/grammar-registry';
import { baseUrlOf, hostAllowed, rebased } from '../../../auth/oauth2/base-url';
import type { OAuth2AuthConfig } from '../../../auth/oauth2/grammar';
import { OAuth2Signer } from '../../../auth/oauth2/signer';
import type { SignerContext } from '../../../auth/signer';
import { setSigningClock } from '../../../auth/signing-clock';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const withAuth = (auth: object) => ({ ...demoConfig(), auth });
const base = { kind: 'oauth2', tokenUrl: 'https://login.salesforce.com/services/oauth2/token', clientId: 'client_id' };
const assertion = { privateKey: 'private_key', subject: 'username', audience: 'https://login.salesforce.com' };

describe('validation of the grants', () => {
  test('valid blocks of each grant validate and name their credentials', () => {
    const jwt = { ...base, grant: 'jwt_bearer', assertion, baseUrlFrom: { field: 'instance_url', hosts: ['*.my.salesforce.com'] } };
    expect(() => validateVendorConfig(withAuth(jwt), 'test-config.json')).not.toThrow();
    expect(authSecretNames(jwt as never)).toEqual(['client_id', 'private_key', 'username']);
    const shopify = { ...base, grant: 'client_credentials', clientSecret: 'client_secret', tokenHeader: 'X-Shopify-Access-Token', tokenFields: { accessToken: 'data.token', expiresIn: 'data.ttl' } };
    expect(() => validateVendorConfig(withAuth(shopify), 'test-config.json')).not.toThrow();
  });

  test('each grant says which fields it needs and which it does not use, at their paths', () => {
    expect(problemsOf(withAuth({ ...base, grant: 'jwt_bearer', clientSecret: 'client_secret', refreshToken: 'refresh_token' }))).toEqual([
      { path: '$.auth.assertion', message: 'is required for the jwt_bearer grant (the key, subject and audience of the JWT)' },
      { path: '$.auth.clientSecret', message: 'is not used by the jwt_bearer grant, which proves the client with the signed assertion: remove it' },
      { path: '$.auth.refreshToken', message: 'is not used by the jwt_bearer grant: remove it' },
    ]);
    expect(problemsOf(withAuth({ ...base, grant: 'refresh_token', assertion }))).toEqual([
      { path: '$.auth.clientSecret', message: 'is required for the refresh_token grant' },
      { path: '$.auth.refreshToken', message: 'is required for the refresh_token grant' },
      { path: '$.auth.assertion', message: 'is not used by the refresh_token grant (only jwt_bearer signs an assertion): remove it' },
    ]);
    expect(problemsOf(withAuth({ ...base, grant: 'client_credentials', clientSecret: 's', refreshToken: 'refresh_token' }))).toEqual([
      { path: '$.auth.refreshToken', message: 'is not used by the client_credentials grant: remove it' },
    ]);
  });

  test('mistakes in the new fields are named by their paths', () => {
    const bad = {
      ...base, grant: 'jwt_bearer', assertion: { ...assertion, lifetimeSeconds: 7200 },
      tokenHeader: 'X Shopify', tokenFields: { accessToken: 'data..token' }, baseUrlFrom: { field: 'instance_url', hosts: [] },
    };
    expect(problemsOf(withAuth(bad)).map((p) => p.path)).toEqual([
      '$.auth.assertion.lifetimeSeconds', '$.auth.tokenHeader', '$.auth.tokenFields.accessToken', '$.auth.baseUrlFrom.hosts',
    ]);
  });
});

test('a token request in JSON and refusals in a 2xx token answer: mistakes named by their paths', () => {
  const tiktok = {
    ...base, grant: 'refresh_token', clientSecret: 'client_secret', refreshToken: 'refresh_token',
    tokenRequest: { format: 'json' }, tokenFields: { accessToken: 'data.access_token', refreshToken: 'data.refresh_token' },
    tokenErrors: { when: 'response.code !== 0', message: 'response.message', retryWhen: 'response.code === 40100' },
  };
  expect(() => validateVendorConfig(withAuth(tiktok), 'test-config.json')).not.toThrow();
  const badShape = { ...tiktok, tokenRequest: { format: 'xml' }, tokenFields: { refreshToken: 'data.' } };
  expect(problemsOf(withAuth(badShape)).map((p) => p.path)).toEqual(['$.auth.tokenRequest.format', '$.auth.tokenFields.refreshToken']);
  const badExpression = { ...tiktok, tokenErrors: { when: 'response.code !==', message: 'response.message' } };
  expect(problemsOf(withAuth(badExpression)).map((p) => p.path)).toEqual(['$.auth.tokenErrors.when']);
});

describe('token answers and base URLs', () => {
  const url = new URL('https://vendor.example/token');

  test('reads the token and lifetime at the configured fields', () => {
    const before = Date.now();
    const token = accessTokenOf({ data: { token: 'tok', ttl: 120 } }, url, { accessToken: 'data.token', expiresIn: 'data.ttl' });
    expect(token.value).toBe('tok');
    expect(token.expiresAt - before).toBeGreaterThanOrEqual(120_000);
    expect(token.expiresAt - Date.now()).toBeLessThanOrEqual(120_000);
    expect(() => accessTokenOf({ access_token: 'tok' }, url, { accessToken: 'data.token' })).toThrow('token endpoint /token returned no data.token');
  });

  test('hosts match exactly or under a `*.` domain', () => {
    expect(hostAllowed('acme.my.salesforce.com', '*.my.salesforce.com')).toBe(true);
    expect(hostAllowed('my.salesforce.com', '*.my.salesforce.com')).toBe(false);
    expect(hostAllowed('evilmy.salesforce.com', '*.my.salesforce.com')).toBe(false);
    expect(hostAllowed('acme.my.salesforce.com.evil.example', '*.my.salesforce.com')).toBe(false);
    expect(hostAllowed('127.0.0.1', '127.0.0.1')).toBe(true);
  });

  const rule = { field: 'instance_url', hosts: ['*.my.salesforce.com'] };
  test.each([
    [undefined, 'sf: $.auth.baseUrlFrom: the token answer has no instance_url'],
    ['not a url', "sf: $.auth.baseUrlFrom: the token answer's instance_url is not a URL"],
    ['http://acme.my.salesforce.com', "names http://acme.my.salesforce.com, which is not an https URL on one of *.my.salesforce.com; no credential is sent there"],
    ['https://attacker.example', 'names https://attacker.example, which is not an https URL'],
    ['https://user:pw@acme.my.salesforce.com', 'names https://acme.my.salesforce.com, which is not'],
  ])('refuses %p as a base URL, as a final DataError', (value, message) => {
    let thrown: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      baseUrlOf(value, rule, 'sf: $.auth.baseUrlFrom');
    } catch (e) {
      thrown = e;
    }
    expect(thrown?.type).toBe('DataError');
    expect(thrown?.nonRetryable).toBe(true);
    expect(thrown?.message).toContain(message);
  });

  test('moves only URLs built on the configured base', () => {
    const moved = rebased(new URL('https://login.salesforce.com/services/data/v62.0/query?q=1'), 'https://login.salesforce.com/', 'https://acme.my.salesforce.com');
    expect(moved.href).toBe('https://acme.my.salesforce.com/services/data/v62.0/query?q=1');
    const other = new URL('https://login.salesforce.com.evil.example/x');
    expect(rebased(other, 'https://login.salesforce.com', 'https://acme.my.salesforce.com')).toBe(other);
    const download = new URL('https://bucket.s3.amazonaws.com/report.gz');
    expect(rebased(download, 'https://login.salesforce.com', 'https://acme.my.salesforce.com')).toBe(download);
  });
});

describe('the signer against a token endpoint', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const secrets: Record<string, string> = { client_id: '3MVG9fixtureConsumerKey', client_secret: 'cs', username: 'integration@acme.example', private_key: rsa.privateKey };
  let server: http.Server;
  let tokenUrl: string;
  let forms: URLSearchParams[] = [];
  let answer: object = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        forms.push(new URLSearchParams(body));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/oauth2/token`;
    setSigningClock({ now: () => new Date(1_700_000_000_000) });
  });
  afterAll(async () => {
    setSigningClock();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => (forms = []));

  let customers = 0;
  async function signedRequest(auth: Partial<OAuth2AuthConfig>, url = 'https://login.salesforce.com/services/data/v62.0/query'): Promise<BuiltRequest> {
    const context = {
      deps: { credentials: { reveal: async ({ name }: { name: string }) => secrets[name] } },
      config: { vendor: 'salesforce', baseUrl: 'https://login.salesforce.com' },
      customer: `c${++customers}`, // a customer each, so no test sees another's cached token
      timeoutMs: 2000,
    } as unknown as SignerContext;
    const signer = new OAuth2Signer({ kind: 'oauth2', tokenUrl, clientId: 'client_id', ...auth } as OAuth2AuthConfig, context);
    await signer.prepare();
    const request: BuiltRequest = { method: 'GET', url: new URL(url), headers: {}, label: 'GET' };
    await signer.sign(request);
    return request;
  }

  test('sends the bare token in the vendor header, and no Authorization', async () => {
    answer = { access_token: 'shpat_fixture', scope: 'read_orders', expires_in: 86399 };
    const r = await signedRequest({ grant: 'client_credentials', clientSecret: 'client_secret', tokenHeader: 'X-Shopify-Access-Token' });
    expect(r.headers).toEqual({ 'x-shopify-access-token': 'shpat_fixture' });
    expect(Object.fromEntries(forms[0])).toEqual({ grant_type: 'client_credentials', client_id: secrets.client_id, client_secret: 'cs' });
  });

  test('jwt_bearer posts a JWT that verifies with the public key and carries Salesforce\'s claims; the request goes to instance_url', async () => {
    answer = { access_token: '00Dfixture!token', scope: 'api', instance_url: 'https://acme.my.salesforce.com', id: 'https://login.salesforce.com/id/00D/005', token_type: 'Bearer' };
    const r = await signedRequest({
      grant: 'jwt_bearer',
      assertion: { ...assertion },
      baseUrlFrom: { field: 'instance_url', hosts: ['*.my.salesforce.com'] },
    });
    expect(r.headers.authorization).toBe('Bearer 00Dfixture!token');
    expect(r.url.href).toBe('https://acme.my.salesforce.com/services/data/v62.0/query');
    const form = forms[0];
    expect([...form.keys()]).toEqual(['grant_type', 'assertion']);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    expect(decode(header)).toEqual({ alg: 'RS256' });
    // Salesforce: iss the consumer key, sub the username, aud the login host, exp within three minutes.
    expect(decode(claims)).toEqual({ iss: secrets.client_id, sub: secrets.username, aud: 'https://login.salesforce.com', exp: 1_700_000_000 + 180 });
    const verifier = createVerify('RSA-SHA256');
    verifier.update(`${header}.${claims}`);
    expect(verifier.verify(rsa.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  test('a token answer naming a host outside the allowed ones fails before anything is sent there', async () => {
    answer = { access_token: 'tok', instance_url: 'https://attacker.example' };
    await expect(signedRequest({ grant: 'jwt_bearer', assertion, baseUrlFrom: { field: 'instance_url', hosts: ['*.my.salesforce.com'] } })).rejects.toMatchObject({
      type: 'DataError',
      message: expect.stringContaining("salesforce: $.auth.baseUrlFrom: the token answer's instance_url names https://attacker.example"),
    });
  });
});
