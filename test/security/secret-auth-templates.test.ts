/**
 * Auth templates that throw while quoting a secret, for every auth kind that has a
 * template (header value, OAuth 2 extra headers, login request, login token expression,
 * login header value): run as an activity runs them (in a secret scope, the credential
 * decrypted from MySQL, tokens from a real HTTP token endpoint), the failure is a final
 * ConfigError whose message, stack and cause chain hold no spelling of the secret. The
 * same call outside a scope shows the sandbox's error really quotes it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { openSigner } from '../../auth/signer-registry';
import { withSecretScope } from '../../activities/secret-scope';
import type { AuthConfig, VendorConfig } from '../../core/config-schema';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { testSettings, uniqueName } from '../setup/test-settings';
import { EchoVendor } from './secret-echo-vendor';

let runtime: Runtime;
let vendor: EchoVendor;
let baseUrl: string;
beforeAll(async () => {
  runtime = createRuntime(testSettings('secret-auth-templates'));
  vendor = new EchoVendor();
  baseUrl = await vendor.start();
});
afterAll(async () => {
  await vendor?.stop();
  await runtime?.close();
});

const SECRET = 'sk_live_51TplQz9 +/="\\x';

function spellings(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams({ k: secret }).toString().slice(2), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), JSON.stringify(secret).slice(1, -1)];
}

/** Everything Temporal would record of an error: message, stack, details, the cause chain. */
function recorded(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as (Error & { details?: unknown[] }) | undefined; e; e = e.cause as typeof e) {
    parts.push(e.message, e.stack ?? '', JSON.stringify(e.details ?? []));
  }
  return parts.join('\n');
}

const cases: { name: string; auth: AuthConfig; secrets: string[]; where: RegExp; tokenQuoted?: boolean }[] = [
  { name: 'header value', auth: { kind: 'header', name: 'Authorization', value: 'Key ${(() => { throw new Error("bad " + secrets.s) })()}', secrets: ['s'] }, secrets: ['s'], where: /\$\.auth\.value/ },
  {
    name: 'oauth2 extra header',
    auth: { kind: 'oauth2', grant: 'client_credentials', tokenUrl: '${baseUrl}/token/ok', clientId: 'id', clientSecret: 'cs', headers: { 'developer-token': '${(() => { throw new Error("bad " + secrets.s) })()}' }, secrets: ['s'] },
    secrets: ['id', 'cs', 's'],
    where: /\$\.auth\.headers\.developer-token/,
  },
  {
    name: 'login request',
    auth: { kind: 'login', request: { method: 'POST', path: '/login/ok', body: { password: '${(() => { throw new Error("bad " + secrets.s) })()}' } }, secrets: ['s'], token: 'response.session_token', header: 'X-Session' },
    secrets: ['s'],
    where: /\$\.auth\.request/,
  },
  {
    name: 'login token expression',
    auth: { kind: 'login', request: { method: 'POST', path: '/login/ok', body: { password: '${secrets.s}' } }, secrets: ['s'], token: '(() => { throw new Error("bad " + response.session_token) })()', header: 'X-Session' },
    secrets: ['s'],
    where: /\$\.auth\.token/,
    tokenQuoted: true,
  },
  {
    name: 'login header value',
    auth: { kind: 'login', request: { method: 'POST', path: '/login/ok', body: { password: '${secrets.s}' } }, secrets: ['s'], token: 'response.session_token', header: 'Authorization', value: 'S ${(() => { throw new Error("bad " + token) })()}' },
    secrets: ['s'],
    where: /\$\.auth\.value/,
    tokenQuoted: true,
  },
];

describe.each(cases)('$name', ({ auth, secrets, where, tokenQuoted }) => {
  async function attempt(customer: string): Promise<unknown> {
    const config = { vendor: 'sec-templates', baseUrl, auth } as unknown as VendorConfig;
    const signer = await openSigner({ deps: runtime.deps, config, customer, timeoutMs: 5000 });
    await signer.sign({ url: new URL(`${baseUrl}/e401/data`), method: 'GET', headers: {}, label: 'GET /e401/data' } as never);
    return new Error('no failure');
  }

  async function customerWithSecrets(): Promise<string> {
    const customer = uniqueName('tpl');
    for (const name of secrets) await runtime.deps.credentials.set({ customerId: customer, vendor: 'sec-templates', name }, `${SECRET}${name}`);
    return customer;
  }

  test('the failure leaving the activity is a final ConfigError naming the field, with no spelling of the secret', async () => {
    const customer = await customerWithSecrets(); // set outside the scope: the scope learns the secret from reveal
    const issuedBefore = vendor.issued.length;
    const error = await withSecretScope(() => attempt(customer))().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).type).toBe('ConfigError');
    expect((error as ApplicationFailure).nonRetryable).toBe(true);
    expect((error as Error).message).toMatch(where);
    expect((error as Error).message).toContain('[redacted]');
    const text = recorded(error);
    const planted = [...secrets.map((n) => `${SECRET}${n}`), ...vendor.issued.slice(issuedBefore)];
    for (const secret of planted) for (const form of spellings(secret)) expect(text).not.toContain(form);
  });

  test('outside a secret scope the same error quotes the secret: the check above can fail', async () => {
    const issuedBefore = vendor.issued.length;
    const error = await attempt(await customerWithSecrets()).catch((e: unknown) => e);
    const quoted = tokenQuoted ? vendor.issued.slice(issuedBefore) : secrets.filter((n) => n === 's').map((n) => `${SECRET}${n}`);
    expect(quoted.length).toBeGreaterThan(0);
    for (const secret of quoted) expect(recorded(error)).toContain(secret);
  });
});
