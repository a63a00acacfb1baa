/**
 * Auth templates that read the customer's inputs: an OAuth 2 token request with headers of
 * its own (Reddit's User-Agent), a header built from an input and a credential, and HTTP
 * Basic whose user name is an input (Impact's Account SID). Validation names each mistake
 * by its path; the signers send what the templates say.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BuiltRequest } from '../../../activities/http-request';
import { Scrubber } from '../../../activities/secret-scrub';
import { BasicSigner } from '../../../auth/basic/signer';
import type { BasicAuthConfig } from '../../../auth/basic/grammar';
import { HeaderSigner } from '../../../auth/header/signer';
import type { HeaderAuthConfig } from '../../../auth/header/grammar';
import type { OAuth2AuthConfig } from '../../../auth/oauth2/grammar';
import { OAuth2Signer } from '../../../auth/oauth2/signer';
import type { SignerContext } from '../../../auth/signer';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const secrets: Record<string, string> = { client_id: 'cid', client_secret: 'csecret', refresh_token: 'rt-1', auth_token: 'impact-token', api_token: 'tok' };
let customers = 0;
const contextOf = (inputs: Record<string, unknown>) =>
  ({
    deps: { credentials: { reveal: async ({ name }: { name: string }) => secrets[name] } },
    config: { vendor: 'test-vendor', baseUrl: 'https://api.example.com' },
    customer: `c${++customers}`,
    timeoutMs: 2000,
    inputs,
  }) as unknown as SignerContext;
const newRequest = (): BuiltRequest => ({ method: 'GET', url: new URL('https://api.example.com/x'), headers: {}, label: 'GET /x' });

/** The demo config with an input `user_agent` (and `account_sid`) and `auth`. */
function withAuth(auth: object): any {
  const config = demoConfig();
  config.inputs.push({ name: 'user_agent', type: 'string' }, { name: 'account_sid', type: 'string' });
  return { ...config, auth };
}
const oauth2 = { kind: 'oauth2', grant: 'refresh_token', tokenUrl: 'https://www.reddit.com/api/v1/access_token', clientId: 'client_id', clientSecret: 'client_secret', refreshToken: 'refresh_token', clientAuth: 'basic' };

describe('validation', () => {
  test('token headers, a header from an input and a Basic user from an input validate', () => {
    expect(() => validateVendorConfig(withAuth({ ...oauth2, tokenHeaders: { 'User-Agent': '${inputs.user_agent}' } }), 'x.json')).not.toThrow();
    expect(() => validateVendorConfig(withAuth({ kind: 'header', name: 'X-Auth', value: '${inputs.account_sid}:${secrets.api_token}', secrets: ['api_token'] }), 'x.json')).not.toThrow();
    expect(() => validateVendorConfig(withAuth({ kind: 'basic', usernameTemplate: '${inputs.account_sid}', password: 'auth_token' }), 'x.json')).not.toThrow();
  });

  test('a token header that would replace the grant\'s, or reads an undeclared input, is named at its path', () => {
    expect(problemsOf(withAuth({ ...oauth2, tokenHeaders: { Authorization: 'x', 'User-Agent': '${inputs.agent}' } }))).toEqual([
      { path: '$.auth.tokenHeaders.Authorization', message: "is set by the grant (the client's credentials, the form's type): remove it" },
      { path: '$.auth.tokenHeaders["User-Agent"]', message: expect.stringContaining('inputs.agent is not a declared input') },
    ]);
  });

  test('Basic wants exactly one of username and usernameTemplate', () => {
    const both = problemsOf(withAuth({ kind: 'basic', username: 'client_id', usernameTemplate: '${inputs.account_sid}', password: 'auth_token' }));
    expect(both).toEqual([{ path: '$.auth', message: 'give one of username (a credential) or usernameTemplate (from inputs), not both or neither' }]);
    expect(problemsOf(withAuth({ kind: 'basic', password: 'auth_token' }))).toEqual(both);
  });

  test('Basic without a password: a credential user name validates, a user name from the inputs is refused', () => {
    expect(() => validateVendorConfig(withAuth({ kind: 'basic', username: 'api_token' }), 'x.json')).not.toThrow();
    expect(problemsOf(withAuth({ kind: 'basic', usernameTemplate: '${inputs.account_sid}' }))).toEqual([
      { path: '$.auth.password', message: expect.stringContaining('needs a password credential') },
    ]);
  });
});

describe('signers', () => {
  let server: http.Server;
  let tokenUrl: string;
  let tokenCalls: http.IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      tokenCalls.push(req.headers);
      req.resume();
      req.on('end', () => res.setHeader('content-type', 'application/json').end(JSON.stringify({ access_token: 'at-1', expires_in: 3600 })));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/access_token`;
  });
  afterAll(async () => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => (tokenCalls = []));

  test('the token request carries the token headers rendered from the inputs, beside the client\'s Basic', async () => {
    const signer = new OAuth2Signer({ ...oauth2, tokenUrl, tokenHeaders: { 'User-Agent': '${inputs.user_agent}' } } as OAuth2AuthConfig, contextOf({ user_agent: 'web:dif-test:1.0 (by /u/dif)' }));
    await signer.prepare();
    const request = newRequest();
    await signer.sign(request);
    expect(request.headers.authorization).toBe('Bearer at-1');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]['user-agent']).toBe('web:dif-test:1.0 (by /u/dif)');
    expect(tokenCalls[0].authorization).toBe(`Basic ${Buffer.from('cid:csecret').toString('base64')}`);
  });

  test('a header auth value reads inputs beside secrets', async () => {
    const signer = new HeaderSigner({ kind: 'header', name: 'X-Auth', value: '${inputs.account_sid}:${secrets.api_token}', secrets: ['api_token'] } as HeaderAuthConfig, contextOf({ account_sid: 'IR123' }));
    await signer.prepare();
    const request = newRequest();
    await signer.sign(request);
    expect(request.headers['x-auth']).toBe('IR123:tok');
  });

  test('Basic takes its user name from the inputs', async () => {
    const signer = new BasicSigner({ kind: 'basic', usernameTemplate: '${inputs.account_sid}', password: 'auth_token' } as BasicAuthConfig, contextOf({ account_sid: 'IRabc' }));
    await signer.prepare();
    const request = newRequest();
    await signer.sign(request);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('IRabc:impact-token').toString('base64')}`);
  });

  test('Basic without a password sends the key as the user name and an empty password (Chargebee, Close)', async () => {
    const signer = new BasicSigner({ kind: 'basic', username: 'api_token' } as BasicAuthConfig, contextOf({}));
    await signer.prepare();
    const request = newRequest();
    await signer.sign(request);
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('tok:').toString('base64')}`);
  });

  test('a failure quoting such a header shows no part of the key that the base64 could give away', () => {
    const key = 'cb_live_Fixture7Kq2mZ9xWv4Lr8';
    const header = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    const scrubbed = new Scrubber([key]).scrub(`the vendor refused ${header}`);
    // The key's base64 cores are scrubbed; at most the last characters, shared with ':', remain.
    expect(scrubbed).not.toContain(Buffer.from(key).toString('base64').slice(0, 12));
    expect(Buffer.from(scrubbed.replace(/^.*Basic /, ''), 'base64').toString('latin1')).not.toContain(key.slice(0, 12));
  });
});
