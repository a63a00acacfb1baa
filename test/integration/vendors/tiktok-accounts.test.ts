/**
 * Contract test of vendors/tiktok-accounts, the vendor that proves OAuth 2 tokens asked in
 * JSON and answered under other names: the refresh-token grant posted as one JSON object,
 * the token read from data.access_token and its lifetime from data.expires_in, the rotated
 * refresh token from data.refresh_token stored back, the token sent bare in Access-Token,
 * and a refusal inside a 200 token answer (tokenErrors) failing at once with TikTok's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const token = '/open_api/v1.3/tt_user/oauth2/refresh_token/';
const profile = '/open_api/v1.3/business/get/';
const secrets = { client_id: 'tt-app-7300000000000000001', client_secret: 'tt-app-SECRET-0123', refresh_token: 'rft.original-refresh-SECRET' };
const REVOKED = 'rft.revoked-refresh-SECRET';
beforeAll(async () => {
  c = await startVendorContract('tiktok-accounts');
  c.server.route(
    { method: 'POST', path: token, when: (r) => r.json?.refresh_token === REVOKED, file: 'token-refused.json' },
    { method: 'POST', path: token, file: 'token.json' },
    { method: 'GET', path: profile, file: 'error-40100-qps.json', times: 1 },
    { method: 'GET', path: profile, file: 'business-get.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('account_daily: a JSON token request, the token from data.access_token in Access-Token, the rotated refresh token stored', async () => {
  const customer = await c.customer({ business_id: '-000fixtureOpenIdBusiness01' }, secrets);
  const outcome = await c.ingest(customer, { from: '2026-11-01', to: '2026-11-02' });
  expect(outcome.status).toBe('COMPLETED');

  const rows = await c.rows('tiktok_accounts_daily', customer, 'date');
  expect(rows.map((r) => [r.business_id, day(r.date), Number(r.video_views), r.shares === null ? null : Number(r.shares)])).toEqual([
    ['-000fixtureOpenIdBusiness01', '2026-11-01', 5310, 18],
    ['-000fixtureOpenIdBusiness01', '2026-11-02', 4120, null],
  ]);

  const grants = c.server.sent(token);
  expect(grants).toHaveLength(1);
  expect(grants[0].headers['content-type']).toBe('application/json');
  expect(JSON.parse(grants[0].body)).toEqual({
    grant_type: 'refresh_token',
    client_id: secrets.client_id,
    client_secret: secrets.client_secret,
    refresh_token: secrets.refresh_token,
  });

  const calls = c.server.sent(profile);
  expect(calls).toHaveLength(2); // the 40100 in a 200, retried
  expect(calls[1].headers['access-token']).toBe('act.fixture-access-token-SECRET');
  expect(calls[1].headers.authorization).toBeUndefined();
  expect(calls[1].query).toMatchObject({ business_id: '-000fixtureOpenIdBusiness01', start_date: '2026-11-01', end_date: '2026-11-02' });
  expect(JSON.parse(calls[1].query.fields)).toContain('video_views');

  // TikTok may rotate the refresh token: the one it answered is the one kept for the next run.
  const kept = await c.h.runtime.deps.credentials.reveal({ customerId: customer, vendor: 'tiktok-accounts', name: 'refresh_token' }, { notSecret: true });
  expect(kept).toBe('rft.fixture-rotated-refresh-SECRET');

  const stored = c.storedText();
  for (const value of [...Object.values(secrets), 'act.fixture-access-token-SECRET', 'rft.fixture-rotated-refresh-SECRET']) expect(stored).not.toContain(value);
});

test('a refused refresh token: code ≠ 0 in a 200 token answer fails the run at once with TikTok’s message', async () => {
  const customer = await c.customer({ business_id: '-000fixtureOpenIdBusiness02' }, { ...secrets, refresh_token: REVOKED });
  const before = c.server.sent(profile).length;
  const outcome = await c.ingest(customer, { from: '2026-11-01', to: '2026-11-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/refused the credentials: code 40104: The refresh token is invalid or has expired\. Please reauthorize\./);
  expect(outcome.error).not.toContain(REVOKED);
  expect(outcome.error).not.toContain(secrets.client_secret);
  // Final, not retried as "a token answer without a token"; no API call went out without a token.
  expect(c.server.sent(token).filter((r) => JSON.parse(r.body).refresh_token === REVOKED)).toHaveLength(1);
  expect(c.server.sent(profile).length).toBe(before);
});
