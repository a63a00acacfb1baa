/**
 * `dif check`: the config's one cheap call for a customer, against mock vendors over real
 * HTTP in the shapes of the vendors' fixtures: meta-ads (token in the query, me/adaccounts),
 * tiktok-ads (code ≠ 0 inside a 200, advertiser/info), hubspot (account details) and
 * linkedin-ads (OAuth2 refresh, then adAccounts search); the vendor's message when the
 * credentials do not work; and bad input (no check declared, unknown customer, missing
 * credential, a config error) as a message naming where, never a stack trace.
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
import { authoringRuntime, mockCustomer } from '../setup/authoring-cli';
import type { Runtime } from '../../workers/wiring';

let runtime: Runtime;
const fixtures = (vendor: string) => new FixtureServer(path.join(projectRoot(), 'vendors', vendor, 'fixtures'));
const meta = fixtures('meta-ads');
const tiktok = fixtures('tiktok-ads');
const hubspot = fixtures('hubspot');
const linkedin = fixtures('linkedin-ads');
const META_TOKEN = 'meta-access-SECRET';

beforeAll(async () => {
  runtime = authoringRuntime('check-command');
  await Promise.all([meta, tiktok, hubspot, linkedin].map((s) => s.start()));
  meta.route(
    { method: 'GET', path: '/v27.0/me/adaccounts', when: (r) => r.query.access_token === META_TOKEN && r.query.limit === '1', file: 'adaccounts-page-1.json' },
    { method: 'GET', path: '/v27.0/me/adaccounts', when: (r) => r.query.access_token === 'token-of-nobody', body: '{"data":[],"paging":{}}' },
    { method: 'GET', path: '/v27.0/me/adaccounts', status: 400, file: 'error-400-oauth.json' },
  );
  // TikTok answers every call 200; code 0 is success (shapes of https://business-api.tiktok.com/portal/docs, as fixtures/README says).
  tiktok.route(
    {
      method: 'GET',
      path: '/open_api/v1.3/advertiser/info/',
      when: (r) => r.headers['access-token'] === 'tt-token' && r.query.advertiser_ids === '["7000000000000000001"]',
      body: '{"code":0,"message":"OK","request_id":"2024030112000001","data":{"list":[{"advertiser_id":"7000000000000000001","name":"Acme","status":"STATUS_ENABLE"}]}}',
    },
    { method: 'GET', path: '/open_api/v1.3/advertiser/info/', file: 'error-40001-permission.json' },
  );
  // HubSpot account details, as https://developers.hubspot.com/docs/api-reference/latest/account/account-information/get-account-details shows them.
  hubspot.route(
    { method: 'GET', path: '/account-info/2026-03/details', when: (r) => r.headers.authorization === 'Bearer hs-token', body: '{"portalId":123456,"accountType":"STANDARD","timeZone":"US/Eastern","companyCurrency":"USD","additionalCurrencies":[],"utcOffset":"-05:00","utcOffsetMilliseconds":-18000000,"uiDomain":"app.hubspot.com","dataHostingLocation":"na1"}' },
    { method: 'GET', path: '/account-info/2026-03/details', status: 401, file: 'error-401.json' },
  );
  linkedin.route(
    { method: 'POST', path: '/oauth/v2/accessToken', file: 'token.json' },
    { method: 'GET', path: '/rest/adAccounts', when: (r) => r.query.q === 'search' && r.query.pageSize === '1', file: 'accounts.json' },
  );
});
afterAll(async () => {
  await Promise.all([meta, tiktok, hubspot, linkedin].map((s) => s.stop()));
  await runtime.close();
});
afterEach(() => {
  process.exitCode = undefined;
});

test('credentials that work: one call, exit 0, on four vendors', async () => {
  const metaCustomer = await mockCustomer(runtime, 'meta-ads', meta.url, {}, { access_token: META_TOKEN });
  const before = meta.sent('/v27.0/me/adaccounts').length;
  expect(await dif('check', 'meta-ads', '--customer', metaCustomer)).toMatch(new RegExp(`^✓ meta-ads, customer ${metaCustomer}: GET /v27\\.0/me/adaccounts answered 200 in \\d+ ms; the credentials and inputs work$`));
  expect(meta.sent('/v27.0/me/adaccounts').length - before).toBe(1);
  expect(process.exitCode).toBe(0);

  const tiktokCustomer = await mockCustomer(runtime, 'tiktok-ads', tiktok.url, { advertiser_id: '7000000000000000001' }, { access_token: 'tt-token' });
  expect(JSON.parse(await dif('check', 'tiktok-ads', '--customer', tiktokCustomer, '--json'))).toMatchObject({ ok: true, status: 200, request: 'GET /open_api/v1.3/advertiser/info/' });

  const hubspotCustomer = await mockCustomer(runtime, 'hubspot', hubspot.url, {}, { access_token: 'hs-token' });
  expect(await dif('check', 'hubspot', '--customer', hubspotCustomer)).toMatch(/^✓ hubspot, .*GET \/account-info\/2026-03\/details answered 200/);

  const linkedinCustomer = await mockCustomer(runtime, 'linkedin-ads', linkedin.url, {}, { client_id: 'li-client', client_secret: 'li-client-secret', refresh_token: 'li-refresh-token' }, { tokenUrl: `${linkedin.url}/oauth/v2/accessToken` });
  expect(await dif('check', 'linkedin-ads', '--customer', linkedinCustomer)).toMatch(/^✓ linkedin-ads, .*GET \/rest\/adAccounts answered 200/);
  expect(linkedin.sent('/rest/adAccounts').at(-1)!.headers['linkedin-version']).toBe('202603');
});

test("credentials that do not work: the vendor's message, exit 1, the secret never shown", async () => {
  const expired = await mockCustomer(runtime, 'meta-ads', meta.url, {}, { access_token: 'expired-token-value' });
  const error = await dif('check', 'meta-ads', '--customer', expired).catch((e: Error) => e);
  expect(error).toBeInstanceOf(VendorCallError);
  expect((error as Error).message).toMatch(new RegExp(`^dif check meta-ads --customer ${expired}: GET /v27\\.0/me/adaccounts answered 400: [\\s\\S]*Error validating access token: Session has expired`));
  expect((error as Error).message).not.toContain('expired-token-value');
  expect((error as Error).message).not.toMatch(/\n\s+at /);
  expect(exitCodeFor(error)).toBe(EXIT.runFailed);

  const hubspotCustomer = await mockCustomer(runtime, 'hubspot', hubspot.url, {}, { access_token: 'revoked-hs-token' });
  await expect(dif('check', 'hubspot', '--customer', hubspotCustomer)).rejects.toThrow(/answered 401: [\s\S]*Authentication credentials not found/);

  // A 200 that is not success: TikTok's code in the body, and a Meta token that reads no account.
  const tiktokCustomer = await mockCustomer(runtime, 'tiktok-ads', tiktok.url, { advertiser_id: '7000000000000000404' }, { access_token: 'tt-token' });
  expect(await dif('check', 'tiktok-ads', '--customer', tiktokCustomer)).toMatch(
    /^✗ tiktok-ads, .*answered 200 in \d+ ms, but \$\.check\.success does not hold: code 40001: No permission to operate advertiser 7000000000000000404\. .* \(request_id 2024030112000404\)\n  the call: https:\/\/business-api\.tiktok\.com\/portal\/docs$/,
  );
  expect(process.exitCode).toBe(1);
  const nobody = await mockCustomer(runtime, 'meta-ads', meta.url, {}, { access_token: 'token-of-nobody' });
  expect(JSON.parse(await dif('check', 'meta-ads', '--customer', nobody, '--json'))).toMatchObject({ ok: false, message: 'the access token reads no ad account (me/adaccounts is empty): nothing would be loaded' });
});

describe('bad input: a clear message naming where, never a stack trace', () => {
  test('a vendor that declares no check', async () => {
    await expect(dif('check', 'salesforce', '--customer', 'anyone')).rejects.toThrow(
      new InputError('salesforce declares no check ($.check): add one, a cheap call and what proves it worked, to its config.json'),
    );
  });

  test('an unknown vendor: exit 2', async () => {
    const error = await dif('check', 'no-such-vendor', '--customer', 'anyone').catch((e: Error) => e);
    expect((error as Error).message).toMatch(/no-such-vendor/);
    expect(exitCodeFor(error)).toBe(EXIT.usage);
  });

  test('a customer not set up for the vendor', async () => {
    await expect(dif('check', 'meta-ads', '--customer', 'no-such-customer')).rejects.toThrow(/customer "no-such-customer" is not set up for vendor "meta-ads" in MySQL/);
  });

  test('a missing credential and a missing input', async () => {
    const noToken = await mockCustomer(runtime, 'meta-ads', meta.url, {}, {});
    const error = await dif('check', 'meta-ads', '--customer', noToken).catch((e: Error) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/access_token/);
    expect((error as Error).message).not.toMatch(/\n\s+at /);
    expect(exitCodeFor(error)).toBe(EXIT.usage);
    const noAdvertiser = await mockCustomer(runtime, 'tiktok-ads', tiktok.url, {}, { access_token: 'tt-token' });
    await expect(dif('check', 'tiktok-ads', '--customer', noAdvertiser)).rejects.toThrow(new InputError(`dif check tiktok-ads --customer ${noAdvertiser}: customer "${noAdvertiser}" lacks input "advertiser_id" required by tiktok-ads`));
  });

  test('a config error in the check names its JSON path', async () => {
    const vendors = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-check-vendors-'));
    const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'meta-ads', 'config.json'), 'utf8'));
    delete config.$schema;
    config.check.success = 'response.data.length >';
    delete config.check.request.path;
    fs.mkdirSync(path.join(vendors, 'meta-ads'));
    fs.writeFileSync(path.join(vendors, 'meta-ads', 'config.json'), JSON.stringify(config));
    process.env.DIF_VENDORS_DIR = vendors;
    try {
      const error = await dif('check', 'meta-ads', '--customer', 'anyone').catch((e: Error) => e);
      expect((error as Error).message).toMatch(/\$\.check\.request: needs a "path"/);
      expect((error as Error).message).toMatch(/\$\.check\.success: /);
      expect(exitCodeFor(error)).toBe(EXIT.usage);
    } finally {
      delete process.env.DIF_VENDORS_DIR;
    }
  });
});
