/**
 * Contract test of vendors/oracle-eloqua, the proof of `baseUrlFrom`: the instance's base URL
 * is asked of login.eloqua.com/id (a mock here) with the customer's Basic credentials
 * (Site\User:password) at the start of the run, and every API call goes to the pod it
 * names, a second server; a base URL outside the allowed hosts fails the run before any
 * credential is sent there, and refused credentials fail with Eloqua's answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { FixtureServer, type FixtureRequest } from '../../mock-vendor/fixture-server';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const FIXTURES = path.join(projectRoot(), 'vendors', 'oracle-eloqua', 'fixtures');
const secrets = { username: 'MyTestInstall\\fixture.user', password: 'eloqua-fixture-PASSWORD-0123' };
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const authorized = (r: FixtureRequest) => r.headers.authorization === basic(secrets.username, secrets.password);
const campaigns = '/api/REST/2.0/assets/campaigns';

let c: VendorContract;
let pod: FixtureServer;
/** The customer whose /id answer names a host outside *.eloqua.com. */
const ELSEWHERE = 'MyTestInstall\\moved.user';

beforeAll(async () => {
  pod = new FixtureServer(FIXTURES);
  await pod.start();
  pod.route(
    { method: 'GET', path: campaigns, when: (r) => !authorized(r), status: 401, file: 'error-401.json' },
    { method: 'GET', path: campaigns, when: (r) => r.query.page === '1', file: 'campaigns-page-1.json' },
    { method: 'GET', path: campaigns, when: (r) => r.query.page === '2', file: 'campaigns-page-2.json' },
  );
  // The real config; only the discovery call goes to the mock login host, and the mock pod's
  // loopback host is allowed besides *.eloqua.com.
  c = await startVendorContract('oracle-eloqua', (config) => {
    config.baseUrlFrom.request.url = '${inputs.login_url}/id';
    config.inputs.push({ name: 'login_url', type: 'string' });
    config.baseUrlFrom.hosts.push('127.0.0.1');
  });
  const id = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'id.json'), 'utf8'));
  c.server.route(
    { method: 'GET', path: '/id', when: (r) => r.headers.authorization === basic(ELSEWHERE, secrets.password), body: JSON.stringify({ ...id, urls: { ...id.urls, base: 'https://attacker.example' } }) },
    { method: 'GET', path: '/id', when: authorized, body: JSON.stringify({ ...id, urls: { ...id.urls, base: pod.url } }) },
    { method: 'GET', path: '/id', status: 401, file: 'error-401.json' },
  );
});
afterAll(async () => {
  await pod?.stop();
  await c?.shutdown();
});

test('campaigns: the base URL asked of /id, every page from that pod with Basic Site\\User, rows loaded', async () => {
  const customer = await c.customer({ login_url: c.server.url }, secrets);
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('eloqua_campaigns', customer, 'id');
  expect(rows.map((r) => [r.id, r.name, r.current_status])).toEqual([
    ['14', 'Q3 trade show', 'Completed'],
    ['5', 'Spring webinar series', 'Active'],
    ['9', 'Partner nurture', 'Draft'],
  ]);
  expect((rows[1].updated_at as Date).toISOString()).toBe('2024-03-01T11:00:00.000Z');

  // The login host answered the discovery call only; the pod served the pages.
  expect(c.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /id']);
  expect(c.server.requests[0].headers.authorization).toBe(basic(secrets.username, secrets.password));
  const pages = pod.sent(campaigns);
  expect(pages.map((r) => r.query)).toEqual([
    { depth: 'minimal', page: '1', count: '1000' },
    { depth: 'minimal', page: '2', count: '1000' },
  ]);
  for (const r of pages) expect(authorized(r)).toBe(true);
  const stored = c.storedText();
  expect(stored).not.toContain(secrets.password);
  expect(stored).not.toContain(basic(secrets.username, secrets.password).slice(6));
});

test('an /id answer naming a host outside *.eloqua.com fails the run before anything is sent there', async () => {
  const customer = await c.customer({ login_url: c.server.url }, { ...secrets, username: ELSEWHERE });
  const before = pod.requests.length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toContain("oracle-eloqua: $.baseUrlFrom: the answer of GET /id's urls.base names https://attacker.example, which is not an https URL on one of *.eloqua.com, 127.0.0.1; no credential is sent there");
  expect(pod.requests.length).toBe(before);
});

test('refused credentials: /id answers 401 and the run fails with Eloqua’s answer, the password not in it', async () => {
  const customer = await c.customer({ login_url: c.server.url }, { ...secrets, password: 'wrong-PASSWORD-9876' });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/id answered 401: "Not authenticated\."/);
  expect(outcome.error).not.toContain('wrong-PASSWORD-9876');
});
