/**
 * Secret scans over every auth kind's error paths, through a real worker process and the
 * real Temporal server. For each auth kind a distinctive secret is planted, a hostile
 * vendor (secret-echo-vendor.ts) echoes what it is sent in its error answers, templates
 * throw while quoting secrets, logins and token endpoints fail or answer garbage. Then
 * every place a secret must never reach is searched for it in every spelling (raw, URL,
 * form, base64, base64url, JSON-escaped, the Basic pair): each workflow's decoded history,
 * the worker's log lines (DEBUG, with metadata) and its output, what `dif run` printed, and
 * the object store. The same search is shown to find each secret where it legitimately is
 * (the vendor's received requests, the credential decrypted from MySQL).
 */
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runIngestion, type RunOutcome } from '../../cli/run/run';
import { VendorConfigs } from '../../adapters/vendor-configs';
import type { AuthConfig } from '../../core/config-schema';
import { historyText } from '../setup/history-text';
import { startHarness, type Harness } from '../setup/harness';
import { dif } from '../setup/run-cli';
import { settingsEnv } from '../setup/child-worker';
import { uniqueName } from '../setup/test-settings';
import { startWorkerProcess, type WorkerProcess } from '../child/worker-process';
import { EchoFtp, EchoVendor } from './secret-echo-vendor';

/** A secret with the characters that make its spellings differ: space (+ in forms), + / = " \. */
const plant = (label: string) => `sk_live_51${label}Zq9 +/="\\x`;

interface Scenario {
  name: string;
  auth?: AuthConfig;
  /** A files step instead of the single API call. */
  files?: boolean;
  /** Credentials that are not secret (a file source's user name, shown in its paths). */
  notSecret?: string[];
  /** Path of the data request (behaviour of the echo vendor). */
  path: string;
  secrets: Record<string, string>;
  /** Credentials sent together as a Basic pair: [user, password] names. */
  pair?: [string, string];
  /** How the failure must read (type and retry policy are checked through it). */
  error: RegExp;
  /** `dif run` for failures that are final; the run API with 2 attempts for retryable ones. */
  via: 'cli' | 'ingest';
  /** The message must show that something was quoted and scrubbed. */
  redacted?: boolean;
  /** The credentials only sign (a private key): none of them is ever sent as such. */
  signsOnly?: boolean;
}

const pkcs8 = (type: 'rsa' | 'ec') =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    : generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
  ).privateKey;
const serviceAccountKey = (privateKey: string) => JSON.stringify({ type: 'service_account', private_key_id: 'scan-kid', private_key: privateKey, client_email: 'scan@example-project.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token' });
const googleSa = (tokenPath: string): AuthConfig => ({ kind: 'googleServiceAccount', key: 'sa_key', scopes: ['https://www.googleapis.com/auth/webmasters.readonly'], tokenUrl: `\${baseUrl}${tokenPath}` });
const appleAuth = (tokenPath: string): AuthConfig => ({ kind: 'jwtClientSecret', tokenUrl: `\${baseUrl}${tokenPath}`, audience: 'https://appleid.apple.com', clientId: 'client_id', teamId: 'team_id', keyId: 'key_id', privateKey: 'private_key', scope: 'searchadsorg' });
const appleSecrets = (label: string) => ({ client_id: plant(`${label}Cid`), team_id: plant(`${label}Team`), key_id: plant(`${label}Kid`), private_key: pkcs8('ec') });

const scenarios: Scenario[] = [
  {
    name: 'apikey-header',
    auth: { kind: 'apiKey', in: 'header', name: 'X-Api-Key', secret: 'api_key' },
    path: '/e401/data',
    secrets: { api_key: plant('ApiKeyHdr') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'apikey-query',
    auth: { kind: 'apiKey', in: 'query', name: 'api_key', secret: 'api_key' },
    path: '/e500/data',
    secrets: { api_key: plant('ApiKeyQry') },
    error: /answered 500: .*\[redacted\]/,
    via: 'ingest',
  },
  {
    name: 'apikey-short',
    auth: { kind: 'apiKey', in: 'header', name: 'X-Api-Key', secret: 'api_key' },
    path: '/e401/data',
    secrets: { api_key: 'k7Q' },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'bearer',
    auth: { kind: 'bearer', secret: 'token' },
    path: '/e401/data',
    secrets: { token: plant('Bearer') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'basic',
    auth: { kind: 'basic', username: 'username', password: 'password' },
    path: '/e401/data',
    secrets: { username: 'scan-user-basic', password: plant('BasicPw') },
    pair: ['username', 'password'],
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'header-template-throws',
    auth: { kind: 'header', name: 'Authorization', value: 'Key ${(() => { throw new Error("bad " + secrets.api_token) })()}', secrets: ['api_token'] },
    path: '/e401/data',
    secrets: { api_token: plant('HdrTpl') },
    error: /ConfigError|\$\.auth\.value.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'header-401',
    auth: { kind: 'header', name: 'Authorization', value: 'Token token=${secrets.api_token}', secrets: ['api_token'] },
    path: '/e401/data',
    secrets: { api_token: plant('Hdr401') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'oauth1-401',
    auth: { kind: 'oauth1', consumerKey: 'consumer_key', consumerSecret: 'consumer_secret', token: 'access_token', tokenSecret: 'access_token_secret' },
    path: '/e401/data',
    secrets: { consumer_key: plant('O1Key'), consumer_secret: plant('O1Secret'), access_token: plant('O1Token'), access_token_secret: plant('O1TokSec') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'oauth2-cc-token-refused',
    auth: { kind: 'oauth2', grant: 'client_credentials', tokenUrl: '${baseUrl}/token/echo401', clientId: 'client_id', clientSecret: 'client_secret' },
    path: '/e401/data',
    secrets: { client_id: plant('CcId'), client_secret: plant('CcSecret') },
    error: /refused the credentials \(401\): .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'oauth2-cc-basic-token-refused',
    auth: { kind: 'oauth2', grant: 'client_credentials', tokenUrl: '${baseUrl}/token/echo401', clientId: 'client_id', clientSecret: 'client_secret', clientAuth: 'basic' },
    path: '/e401/data',
    secrets: { client_id: plant('CbId'), client_secret: plant('CbSecret') },
    pair: ['client_id', 'client_secret'],
    error: /refused the credentials \(401\): .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'oauth2-refresh-api-500',
    auth: { kind: 'oauth2', grant: 'refresh_token', tokenUrl: '${baseUrl}/token/ok', clientId: 'client_id', clientSecret: 'client_secret', refreshToken: 'refresh_token' },
    path: '/e500/data',
    secrets: { client_id: plant('RtId'), client_secret: plant('RtSecret'), refresh_token: plant('RtToken') },
    error: /answered 500: .*\[redacted\]/,
    via: 'ingest',
  },
  {
    name: 'oauth2-token-garbled',
    auth: { kind: 'oauth2', grant: 'refresh_token', tokenUrl: '${baseUrl}/token/garbled', clientId: 'client_id', clientSecret: 'client_secret', refreshToken: 'refresh_token' },
    path: '/e401/data',
    secrets: { client_id: plant('GbId'), client_secret: plant('GbSecret'), refresh_token: plant('GbToken') },
    error: /not JSON/,
    via: 'ingest',
  },
  {
    name: 'oauth2-header-template-throws',
    auth: {
      kind: 'oauth2',
      grant: 'client_credentials',
      tokenUrl: '${baseUrl}/token/ok',
      clientId: 'client_id',
      clientSecret: 'client_secret',
      headers: { 'developer-token': '${(() => { throw new Error("bad " + secrets.developer_token) })()}' },
      secrets: ['developer_token'],
    },
    path: '/e401/data',
    secrets: { client_id: plant('DtId'), client_secret: plant('DtSecret'), developer_token: plant('DevTok') },
    error: /\$\.auth\.headers\.developer-token.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'login-refused',
    auth: {
      kind: 'login',
      request: { method: 'POST', path: '/login/fail', body: { username: '${secrets.username}', password: '${secrets.password}' } },
      secrets: ['username', 'password'],
      token: 'response.session_token',
      header: 'X-Session-Token',
    },
    path: '/e401/data',
    secrets: { username: plant('LoginUser'), password: plant('LoginPw') },
    error: /refused the credentials \(403\): .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'login-template-throws',
    auth: {
      kind: 'login',
      request: { method: 'POST', path: '/login/ok', body: { password: '${(() => { throw new Error("bad " + secrets.password) })()}' } },
      secrets: ['password'],
      token: 'response.session_token',
      header: 'X-Session-Token',
    },
    path: '/e401/data',
    secrets: { password: plant('LoginTpl') },
    error: /\$\.auth\.request.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'login-token-expression-throws',
    auth: {
      kind: 'login',
      request: { method: 'POST', path: '/login/ok', body: { password: '${secrets.password}' } },
      secrets: ['password'],
      token: '(() => { throw new Error("bad " + response.session_token) })()',
      header: 'X-Session-Token',
    },
    path: '/e401/data',
    secrets: { password: plant('LoginExpr') },
    error: /\$\.auth\.token.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'login-value-throws',
    auth: {
      kind: 'login',
      request: { method: 'POST', path: '/login/ok', body: { password: '${secrets.password}' } },
      secrets: ['password'],
      token: 'response.session_token',
      header: 'Authorization',
      value: 'Session ${(() => { throw new Error("bad " + token) })()}',
    },
    path: '/e401/data',
    secrets: { password: plant('LoginVal') },
    error: /\$\.auth\.value.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'login-api-401',
    auth: {
      kind: 'login',
      request: { method: 'POST', path: '/login/ok', body: { password: '${secrets.password}' } },
      secrets: ['password'],
      token: 'response.session_token',
      header: 'X-Session-Token',
    },
    path: '/e401/data',
    secrets: { password: plant('Login401') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'hmac-401',
    auth: { kind: 'hmac', key: 'secret_key', secrets: ['api_key'], stringToSign: '${timestamp.ms}.${request.method}.${request.path}', headers: { 'X-API-KEY': '${secrets.api_key}', 'X-Signature': '${signature}' } },
    path: '/e401/data',
    secrets: { secret_key: plant('HmacKey'), api_key: plant('HmacApiKey') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'hmac-template-throws',
    auth: { kind: 'hmac', key: 'secret_key', stringToSign: '${(() => { throw new Error("bad " + secrets.secret_key) })()}', headers: { 'X-Signature': '${signature}' } },
    path: '/e401/data',
    secrets: { secret_key: plant('HmacTpl') },
    error: /ConfigError|\$\.auth\.stringToSign.*\[redacted\]/,
    via: 'cli',
    redacted: true,
  },
  {
    name: 'aws-sigv4-401',
    auth: { kind: 'awsSigV4', region: 'us-east-1', service: 'execute-api', accessKeyId: 'access_key_id', secretAccessKey: 'secret_access_key', sessionToken: 'session_token' },
    path: '/e401/data',
    secrets: { access_key_id: plant('AwsKeyId'), secret_access_key: plant('AwsSecret'), session_token: plant('AwsSession') },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'google-sa-token-refused',
    auth: googleSa('/token/echo401'),
    path: '/e401/data',
    secrets: { sa_key: serviceAccountKey(pkcs8('rsa')) },
    error: /refused the credentials \(401\): .*\[redacted\]/,
    via: 'cli',
    signsOnly: true,
  },
  {
    name: 'google-sa-api-401',
    auth: googleSa('/token/ok'),
    path: '/e401/data',
    secrets: { sa_key: serviceAccountKey(pkcs8('rsa')) },
    error: /answered 401: .*\[redacted\]/,
    via: 'cli',
    signsOnly: true,
  },
  {
    name: 'google-sa-key-not-pem',
    auth: googleSa('/token/ok'),
    path: '/e401/data',
    secrets: { sa_key: serviceAccountKey(plant('SaNotPem')) },
    error: /credential sa_key \(private_key\) is not a PEM private key/,
    via: 'cli',
    signsOnly: true,
  },
  {
    name: 'apple-token-refused',
    auth: appleAuth('/token/echo401'),
    path: '/e401/data',
    secrets: appleSecrets('AsaRefused'),
    error: /refused the credentials \(401\): .*\[redacted\]/,
    via: 'cli',
  },
  {
    name: 'apple-api-500',
    auth: appleAuth('/token/ok'),
    path: '/e500/data',
    secrets: appleSecrets('Asa500'),
    error: /answered 500: .*\[redacted\]/,
    via: 'ingest',
  },
  {
    name: 'ftp-login-echo',
    files: true,
    path: '',
    secrets: { ftp_user: 'scan-ftp-user', ftp_password: plant('FtpPw') },
    notSecret: ['ftp_user'],
    error: /login refused for the configured user.*\[redacted\]/,
    via: 'cli',
  },
];

// ---- the search -------------------------------------------------------------------------

/**
 * Each spelling of a secret, written here independently of activities/secret-forms.ts,
 * and its stem: the longest run of letters, digits and `_` in it (the planted secrets'
 * `sk_live_51…Zq9`), which shows through any escaping nobody thought of.
 */
function spellings(secret: string): string[] {
  const b64 = Buffer.from(secret).toString('base64');
  const stem = (secret.match(/[A-Za-z0-9_]+/g) ?? []).sort((a, b) => b.length - a.length)[0] ?? '';
  return [
    ...(stem.length >= 12 ? [stem] : []),
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/**
 * A PEM private key also shows as its base64 body on one line and line by line; a
 * service-account key file holds one in its `private_key`.
 */
function keySpellings(secret: string): string[] {
  let pem = secret;
  try {
    pem = (JSON.parse(secret) as { private_key?: string }).private_key ?? secret;
  } catch {
    // not a key file
  }
  if (!pem.includes('PRIVATE KEY-----')) return pem === secret ? [] : spellings(pem);
  const lines = pem.split('\n').filter((line) => line && !line.startsWith('-----'));
  return [...spellings(pem), lines.join(''), ...lines];
}

function pairSpellings(user: string, password: string): string[] {
  return [`${user}:${password}`, `${encodeURIComponent(user)}:${encodeURIComponent(password)}`].flatMap((pair) => {
    const b64 = Buffer.from(pair).toString('base64');
    return [b64, b64.replace(/=+$/, ''), Buffer.from(pair).toString('base64url')];
  });
}

/**
 * The spellings found in a text. A spelling under 4 characters (a 3-character secret, or
 * its base64) counts only as a whole token: inside a longer word or base64 run it is chance.
 */
function found(text: string, forms: string[]): string[] {
  return [...new Set(forms)].filter((form) => {
    if (form.length >= 4 && !/^[A-Za-z0-9+/=_-]{4}$/.test(form)) return text.includes(form);
    const literal = form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(?<![A-Za-z0-9+/_-])${literal}(?![A-Za-z0-9+/=_-])`).test(text);
  });
}

// ---- the runs ---------------------------------------------------------------------------

let h: Harness;
let vendor: EchoVendor;
let ftp: EchoFtp;
let ftpPort: number;
let worker: WorkerProcess;
let queue: string;
let vendorsDir: string;
const logFile = path.join(os.tmpdir(), `secret-scan-auth-${process.pid}.log`);

interface Ran {
  scenario: Scenario;
  customer: string;
  outcome: { workflowId: string; status: string; error?: string };
  /** What `dif run` printed, for cli scenarios. */
  printed: string;
}
const runs: Ran[] = [];

beforeAll(async () => {
  h = await startHarness('secret-scan-auth');
  vendor = new EchoVendor();
  const vendorUrl = await vendor.start();
  ftp = new EchoFtp();
  ftpPort = await ftp.start();
  vendorsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-scan-vendors-'));
  for (const s of scenarios) {
    const dir = path.join(vendorsDir, `sec-${s.name}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(configOf(s), null, 2));
  }
  queue = `${h.settings.taskQueue}-auth-scan`;
  worker = await startWorkerProcess({ ...h.settings, taskQueue: queue, vendorsDir }, logFile);

  for (const s of scenarios) {
    const vendorId = `sec-${s.name}`;
    const customer = uniqueName(`scan-${s.name.slice(0, 12)}`);
    await h.runtime.deps.customers.upsertCustomer(customer, customer);
    await h.runtime.deps.customers.upsertCustomerVendor(customer, vendorId, {}, { baseUrl: vendorUrl });
    for (const [name, value] of Object.entries(s.secrets)) await h.runtime.deps.credentials.set({ customerId: customer, vendor: vendorId, name }, value);
    runs.push(await run(s, vendorId, customer));
  }
  await worker.kill('SIGTERM'); // flushes its log
  if (process.env.DIF_TEST_DEBUG) fs.writeFileSync(path.join(os.tmpdir(), 'secret-scan-auth-runs.json'), JSON.stringify(runs, null, 2));
}, 600_000);

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await vendor?.stop();
  await ftp?.stop();
  await h?.shutdown();
});

async function run(s: Scenario, vendorId: string, customer: string): Promise<Ran> {
  const window = { from: '2026-10-01', to: '2026-10-01' };
  const settings = { ...h.settings, taskQueue: queue, vendorsDir };
  if (s.via === 'ingest') {
    const [outcome] = await runIngestion(h.client, settings, new VendorConfigs(vendorsDir), {
      vendor: vendorId,
      customer,
      window,
      options: { semaphoreRetryMs: 100, maxAttempts: 2 },
    });
    return { scenario: s, customer, outcome: pick(outcome), printed: '' };
  }
  const saved = { ...process.env };
  Object.assign(process.env, settingsEnv(settings));
  try {
    const printed = await dif('run', vendorId, '--customer', customer, '--from', window.from, '--to', window.to, '--json');
    const outcome = JSON.parse(printed.split('\n')[0]) as Ran['outcome'];
    return { scenario: s, customer, outcome, printed };
  } finally {
    process.env = saved;
    process.exitCode = 0; // a failed run sets it; this test expects failures
  }
}

const pick = (o: RunOutcome) => ({ workflowId: o.workflowId, status: o.status, error: o.error });

function configOf(s: Scenario) {
  const step = s.files
    ? {
        kind: 'files',
        name: 'data',
        source: { kind: 'ftp', host: '127.0.0.1', port: String(ftpPort), folder: '/reports', tls: 'none', username: 'ftp_user', password: 'ftp_password' },
        match: '*.csv',
        decode: { format: 'csv' },
      }
    : { kind: 'single', name: 'data', request: { path: s.path }, records: 'response.data' };
  return {
    vendor: `sec-${s.name}`,
    title: `Secret scan: ${s.name}`,
    ...(s.files ? {} : { baseUrl: 'https://api.example.com', auth: s.auth }),
    inputs: [],
    semaphore: { scope: 'customer', limit: 2 },
    streams: {
      data: {
        steps: [step],
        table: { name: `sec_${s.name.replace(/-/g, '_')}`, primaryKey: ['id'], columns: [{ name: 'id', type: 'string', nullable: false }] },
      },
    },
  };
}

/** Every planted secret of a scenario and every token the vendor issued during it, with their spellings. */
function plantedForms(r: Ran, issued: string[]): { label: string; forms: string[] }[] {
  const out = Object.entries(r.scenario.secrets)
    .filter(([name]) => !r.scenario.notSecret?.includes(name))
    .map(([name, value]) => ({ label: `${r.scenario.name}.${name}`, forms: [...spellings(value), ...keySpellings(value)] }));
  if (r.scenario.pair) {
    const [u, p] = r.scenario.pair;
    out.push({ label: `${r.scenario.name} Basic pair`, forms: pairSpellings(r.scenario.secrets[u], r.scenario.secrets[p]) });
  }
  for (const token of issued) out.push({ label: `token ${token.slice(0, 8)}…`, forms: spellings(token) });
  return out;
}

// ---- the checks -------------------------------------------------------------------------

test('every scenario failed the way it should, with something quoted and scrubbed', () => {
  expect(runs).toHaveLength(scenarios.length);
  for (const r of runs) {
    expect({ name: r.scenario.name, status: r.outcome.status }).toEqual({ name: r.scenario.name, status: 'FAILED' });
    expect({ name: r.scenario.name, error: r.outcome.error }).toEqual({ name: r.scenario.name, error: expect.stringMatching(r.scenario.error) });
    if (r.scenario.via === 'cli') expect(r.printed).toContain(r.outcome.workflowId);
  }
});

test('template errors are final config errors, not retried', () => {
  for (const r of runs.filter((x) => x.scenario.redacted)) {
    expect({ name: r.scenario.name, error: r.outcome.error }).toEqual({ name: r.scenario.name, error: expect.stringMatching(/ConfigError|expression/) });
  }
});

test('no secret, token or Basic pair in any spelling in history, worker logs, dif run output or the object store', async () => {
  // The signed JWTs sent (assertions, client secrets) are credentials too, until they expire.
  const signed = vendor.received.flatMap((r) => ['assertion', 'client_secret'].map((k) => new URLSearchParams(r.body).get(k) ?? '')).filter((v) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(v));
  expect(signed.length).toBeGreaterThanOrEqual(4);
  const issued = [...vendor.issued, ...signed];
  expect(issued.length).toBeGreaterThanOrEqual(4); // tokens really were handed out (oauth2 and login runs)
  const logs = worker.logs() + worker.output();
  expect(logs).toMatch(/Activity failed/); // the failures were logged, with their errors
  const stored = h.storedText();
  const printed = runs.map((r) => r.printed).join('\n');
  const leaks: string[] = [];
  for (const r of runs) {
    const history = await historyText(h.client.workflow.getHandle(r.outcome.workflowId));
    expect(history).toContain(r.customer); // decoding works: the run's own payloads are readable
    for (const { label, forms } of plantedForms(r, issued)) {
      for (const [place, text] of Object.entries({ history, logs, printed, stored })) {
        for (const form of found(text, forms)) leaks.push(`${label} in ${place} as ${JSON.stringify(form)}`);
      }
    }
  }
  expect([...new Set(leaks)]).toEqual([]);
  expect(logs).toMatch(/bad \[redacted\]/); // logged whole, messages included, and scrubbed
});

test('the same search finds each secret where it legitimately is', async () => {
  const received = vendor.receivedText();
  for (const r of runs) {
    for (const [name, value] of Object.entries(r.scenario.secrets)) {
      // Decrypted from MySQL: the value is there and the search sees it.
      const revealed = await h.runtime.deps.credentials.reveal({ customerId: r.customer, vendor: `sec-${r.scenario.name}`, name });
      // A refresh token the vendor rotated was stored back in place of the planted one.
      const expected = name === 'refresh_token' && vendor.issued.includes(revealed) ? revealed : value;
      expect(found(revealed, spellings(expected))).toContain(expected);
    }
    // Sent to the vendor (templates that threw never sent anything).
    if (!r.scenario.redacted && !r.scenario.files && !r.scenario.signsOnly) {
      const pair = r.scenario.pair ? pairSpellings(r.scenario.secrets[r.scenario.pair[0]], r.scenario.secrets[r.scenario.pair[1]]) : [];
      const sent = Object.values(r.scenario.secrets).filter((v) => found(received, [...spellings(v), ...pair]).length > 0);
      expect({ name: r.scenario.name, sent: sent.length > 0 }).toEqual({ name: r.scenario.name, sent: true });
    }
  }
  // The FTP password reached the server, which quoted it back.
  expect(ftp.passwords).toContain(runs.find((r) => r.scenario.files)!.scenario.secrets.ftp_password);
  // The short secret really went out, and the search sees it as a token.
  expect(found(received, spellings('k7Q'))).toContain('k7Q');
  // Issued tokens were sent back by DIF (a bearer token, a session header).
  expect(vendor.issued.filter((t) => found(received, spellings(t)).length > 0).length).toBeGreaterThan(0);
  // And the echoes the vendor wrote hold the secrets in the other spellings too.
  const basic = runs.find((r) => r.scenario.name === 'basic')!;
  expect(found(received, pairSpellings(basic.scenario.secrets.username, basic.scenario.secrets.password)).length).toBeGreaterThan(0);
});
