/**
 * `dif try`: a stream's steps run in this process against a mock vendor over real HTTP
 * (vendors/meta-ads, its fixtures): each request shown with the token masked, each page's
 * decision, the first records, the CSV with its types; --pages stops the pagination; and
 * bad input (unknown stream, missing credential, a vendor 401, a config error) comes out as
 * a message naming where, never a stack trace.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../adapters/settings';
import { InputError } from '../../core/run-plan';
import { VendorCallError } from '../../cli/shared/activity-failures';
import { EXIT, exitCodeFor } from '../../cli/dif';
import { FixtureServer } from '../mock-vendor/fixture-server';
import { dif } from '../setup/run-cli';
import { authoringRuntime, brokenConfigFile, mockCustomer } from '../setup/authoring-cli';
import type { Runtime } from '../../workers/wiring';

const TOKEN = 'meta-access-SECRET';
let runtime: Runtime;
const server = new FixtureServer(path.join(projectRoot(), 'vendors', 'meta-ads', 'fixtures'));

beforeAll(async () => {
  runtime = authoringRuntime('try-command');
  await server.start();
  const byToken = (r: { query: Record<string, string> }) => r.query.access_token === TOKEN;
  server.route(
    { method: 'GET', path: '/v27.0/me/adaccounts', when: (r) => byToken(r) && !r.query.after, file: 'adaccounts-page-1.json' },
    { method: 'GET', path: '/v27.0/me/adaccounts', when: (r) => byToken(r) && r.query.after === 'QVFIUmFjdF8xMDAx', file: 'adaccounts-page-2.json' },
    { method: 'GET', path: '/v27.0/me/adaccounts', status: 401, file: 'error-400-oauth.json' },
  );
});
afterAll(async () => {
  await server.stop();
  await runtime.close();
});

test('each request (token masked), each page decision, the first records and the CSV with its types', async () => {
  const customer = await mockCustomer(runtime, 'meta-ads', server.url, {}, { access_token: TOKEN });
  const out = await dif('try', 'meta-ads', '--customer', customer, '--stream', 'ad_accounts');
  expect(out).toContain(`dif try meta-ads, stream ad_accounts, customer ${customer}`);
  expect(out).toMatch(/→ \[accounts\] GET http:\/\/127\.0\.0\.1:\d+\/v27\.0\/me\/adaccounts\?fields=account_id%2Cid%2Cname%2Caccount_status%2Ccurrency%2Ctimezone_name%2Camount_spent&limit=100&access_token=\[redacted\]$/m);
  expect(out).toMatch(/← 200 in \d+ ms/);
  expect(out).toContain('page 1: 1 record(s); next page 2 (cursor QVFIUmFjdF8xMDAx)');
  expect(out).toContain('page 2: 1 record(s); done: no next cursor');
  expect(out).toContain('first records of accounts:\n  {"account_id":"1001","id":"act_1001","name":"Acme - US"');
  expect(out).toMatch(/CSV: 2 record\(s\) → 2 row\(s\), 0 rejected/);
  expect(out).toMatch(/account_id\s*│\s*name\s*│\s*account_status/);
  expect(out).toMatch(/string\s*│\s*string\s*│\s*integer/);
  expect(out).not.toContain(TOKEN);
});

test('--pages 1 stops after one page, by the pagination\'s own cap; --json gives one event a line', async () => {
  const customer = await mockCustomer(runtime, 'meta-ads', server.url, {}, { access_token: TOKEN });
  const before = server.sent('/v27.0/me/adaccounts').length;
  const events = (await dif('try', 'meta-ads', '--customer', customer, '--stream', 'ad_accounts', '--pages', '1', '--json')).split('\n').map((l) => JSON.parse(l));
  expect(server.sent('/v27.0/me/adaccounts').length - before).toBe(1);
  expect(events.map((e) => e.event)).toEqual(['start', 'request', 'page', 'records', 'csv']);
  expect(events[2]).toMatchObject({ step: 'accounts', page: 1, status: 200, records: 1, decision: { done: 'page cap of 1 reached' } });
  expect(events[4]).toMatchObject({ rowCount: 1, rejected: 0, columns: expect.arrayContaining([{ name: 'account_status', type: 'integer' }]) });
  expect(JSON.stringify(events)).not.toContain(TOKEN);
});

test('a config file path, --base-url, and the rows that would be rejected, with why', async () => {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'meta-ads', 'config.json'), 'utf8'));
  delete config.$schema;
  // name is required here: the fixtures' accounts have one, so make the second page's currency an integer column to reject it.
  config.streams.ad_accounts.table.columns.find((c: { name: string }) => c.name === 'currency').type = 'integer';
  config.streams.ad_accounts.table.rejects = { maxRows: 10 };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-try-')), 'config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  const customer = await mockCustomer(runtime, 'meta-ads', 'https://graph.facebook.com', {}, { access_token: TOKEN });
  const out = await dif('try', file, '--customer', customer, '--stream', 'ad_accounts', '--base-url', server.url);
  expect(out).toMatch(/CSV: 2 record\(s\) → 0 row\(s\), 2 rejected/);
  expect(out).toMatch(/rejected rows \(record number, why, the record\):\n  #1: .*currency.*\n    \{"account_id":"1001"/);
});

describe('bad input: a clear message naming where, never a stack trace', () => {
  test('an unknown stream names the streams there are', async () => {
    const customer = await mockCustomer(runtime, 'meta-ads', server.url, {}, { access_token: TOKEN });
    const error = await dif('try', 'meta-ads', '--customer', customer, '--stream', 'campaigns').catch((e: Error) => e);
    expect(error).toEqual(new InputError('meta-ads has no stream "campaigns" ($.streams.campaigns); streams: ad_accounts, campaign_insights_daily'));
    expect(exitCodeFor(error)).toBe(EXIT.usage);
  });

  test('a missing credential', async () => {
    const customer = await mockCustomer(runtime, 'meta-ads', server.url, {}, {});
    const error = await dif('try', 'meta-ads', '--customer', customer, '--stream', 'ad_accounts').catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^dif try meta-ads --stream ad_accounts: .*access_token/);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    expect(exitCodeFor(error)).toBe(EXIT.usage);
  });

  test('the vendor answers 401: its own message, and exit 1 (not the operator\'s input)', async () => {
    const customer = await mockCustomer(runtime, 'meta-ads', server.url, {}, { access_token: 'expired-token-value' });
    const error = await dif('try', 'meta-ads', '--customer', customer, '--stream', 'ad_accounts').catch((e: Error) => e);
    expect(error).toBeInstanceOf(VendorCallError);
    expect((error as Error).message).toMatch(/^dif try meta-ads --stream ad_accounts: GET \/v27\.0\/me\/adaccounts answered 401: [\s\S]*Error validating access token/);
    expect((error as Error).message).not.toContain('expired-token-value');
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    expect(exitCodeFor(error)).toBe(EXIT.runFailed);
  });

  test('a config error names its JSON path', async () => {
    const file = brokenConfigFile('meta-ads', 'ad_accounts');
    const error = await dif('try', file, '--customer', 'anyone', '--stream', 'ad_accounts').catch((e: Error) => e);
    expect((error as Error).message).toMatch(/\$\.streams\.ad_accounts\.steps\[0\]\.pagination/);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    expect(exitCodeFor(error)).toBe(EXIT.usage);
  });
});
