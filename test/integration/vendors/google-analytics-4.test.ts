/**
 * Contract test of vendors/google-analytics-4: runReport with offset/limit in the POST body
 * until rowCount rows arrived, OAuth2 refresh against the (overridden) Google token endpoint,
 * a 429 RESOURCE_EXHAUSTED retried, an empty report (no rows, no rowCount) loading nothing,
 * and a 403 failing at once with Google's message. The `service_account` auth variant: a
 * jwt-bearer assertion the mock verifies with the service account's public key, equal to
 * one rebuilt here from Google's documented claims.
 */
import { generateKeyPairSync } from 'node:crypto';
import { setSigningClock } from '../../../auth/signing-clock';
import { jwtVerifies, rs256Jwt, serviceAccountKeyFile } from '../../setup/jwt-check';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

const serviceAccount = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const NOW = Date.parse('2024-03-05T10:00:00Z');

let c: VendorContract;
const secrets = { client_id: 'ga4-client.apps.googleusercontent.com', client_secret: 'ga4-client-SECRET', refresh_token: '1//ga4-refresh-SECRET' };
beforeAll(async () => {
  c = await startVendorContract('google-analytics-4');
  const report = '/v1beta/properties/314159:runReport';
  c.server.route(
    { method: 'POST', path: '/token', when: (r) => jwtVerifies(r.json?.assertion, serviceAccount.publicKey, 'RS256'), file: 'token-service-account.json' },
    { method: 'POST', path: '/token', when: (r) => r.json?.assertion !== undefined, status: 400, body: '{"error":"invalid_grant","error_description":"Invalid JWT Signature."}' },
    { method: 'POST', path: '/token', file: 'token.json' },
    { method: 'POST', path: report, status: 429, file: 'error-429-tokens.json', times: 1 },
    { method: 'POST', path: report, when: (r) => r.json?.offset === 0, file: 'report-page-1.json' },
    { method: 'POST', path: report, when: (r) => r.json?.offset === 3, file: 'report-page-2.json' },
    { method: 'POST', path: '/v1beta/properties/271828:runReport', file: 'report-empty.json' },
    { method: 'POST', path: '/v1beta/properties/161803:runReport', file: 'report-second-property.json' },
    { method: 'POST', path: '/v1beta/properties/404:runReport', status: 403, file: 'error-403-permission.json' },
    // engagement_daily: each page asked for with the first ten metrics, then the last two.
    ...[engagement, shortChunk].flatMap((path) => [
      { method: 'POST', path, when: (r: Sent) => r.json?.offset === 0 && r.json.metrics.length === 10, file: 'engagement-page-1-chunk-1.json' },
      { method: 'POST', path, when: (r: Sent) => r.json?.offset === 0 && r.json.metrics.length === 2, file: path === engagement ? 'engagement-page-1-chunk-2.json' : 'engagement-page-1-chunk-2-short.json' },
      { method: 'POST', path, when: (r: Sent) => r.json?.offset === 2 && r.json.metrics.length === 10, file: 'engagement-page-2-chunk-1.json' },
      { method: 'POST', path, when: (r: Sent) => r.json?.offset === 2 && r.json.metrics.length === 2, file: 'engagement-page-2-chunk-2.json' },
    ]),
  );
});
afterAll(() => c?.shutdown());

const engagement = '/v1beta/properties/577215:runReport';
const shortChunk = '/v1beta/properties/662607:runReport';
type Sent = { json?: any };

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('traffic_daily: offset pages until rowCount, a 429 retried, rows loaded', async () => {
  const customer = await c.customer({ property_id: '314159' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'traffic_daily');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('ga4_traffic_daily', customer, 'date, channel_group');
  expect(rows.map((r) => [day(r.date), r.channel_group, Number(r.sessions)])).toEqual([
    ['2024-03-01', 'Direct', 45],
    ['2024-03-01', 'Organic Search', 120],
    ['2024-03-02', 'Direct', 50],
    ['2024-03-02', 'Organic Search', 131],
  ]);
  expect(Number(rows[1].screen_page_views)).toBe(410);

  const sent = c.server.sent('/v1beta/properties/314159:runReport');
  expect(sent.map((r) => r.json.offset)).toEqual([0, 0, 3]); // the 429, its retry, the second page
  expect(sent.every((r) => r.json.limit === 10000 && r.headers.authorization === 'Bearer ya29.fixture-access-token-ga4')).toBe(true);
  expect(sent[0].json.dateRanges).toEqual([{ startDate: '2024-03-01', endDate: '2024-03-02' }]);
  expect(sent[0].json.metrics.map((m: { name: string }) => m.name)).toEqual(['sessions', 'totalUsers', 'screenPageViews']);
  expect(c.server.sent('/token').at(-1)!.json).toMatchObject({ grant_type: 'refresh_token', refresh_token: secrets.refresh_token });
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
});

test('several properties: one run per property, the same days and channels kept apart by property_id in the key', async () => {
  // Both properties have rows for 2024-03-01 Direct and Organic Search: keyed by date and channel alone, one would overwrite the other.
  const customer = await c.customer({ property_id: ['314159', '161803'] }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'traffic_daily');
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.summary?.partitions?.map((p) => [p.partition, p.status, p.rowsLoaded])).toEqual([
    ['314159', 'COMPLETED', 4],
    ['161803', 'COMPLETED', 2],
  ]);
  const rows = await c.rows('ga4_traffic_daily', customer, 'property_id, date, channel_group');
  expect(rows.map((r) => [r.property_id, day(r.date), r.channel_group, Number(r.sessions)])).toEqual([
    ['161803', '2024-03-01', 'Direct', 7],
    ['161803', '2024-03-01', 'Organic Search', 19],
    ['314159', '2024-03-01', 'Direct', 45],
    ['314159', '2024-03-01', 'Organic Search', 120],
    ['314159', '2024-03-02', 'Direct', 50],
    ['314159', '2024-03-02', 'Organic Search', 131],
  ]);
  // Re-running the window leaves no duplicate.
  expect((await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'traffic_daily')).status).toBe('COMPLETED');
  expect(await c.rows('ga4_traffic_daily', customer, 'property_id')).toHaveLength(6);
});

test('a report with no rows (GA4 then omits rows and rowCount) completes with nothing loaded', async () => {
  const customer = await c.customer({ property_id: '271828' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, undefined, 'traffic_daily');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('ga4_traffic_daily', customer, 'date')).toHaveLength(0);
  expect(c.server.sent('/v1beta/properties/271828:runReport')).toHaveLength(1);
});

test('a property the user cannot read: 403 fails at once with Google’s message', async () => {
  const customer = await c.customer({ property_id: '404' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, undefined, 'traffic_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 403: .*sufficient permissions for this property/s);
  expect(c.server.sent('/v1beta/properties/404:runReport')).toHaveLength(1);
});

test('the service_account variant: a jwt-bearer assertion as Google documents it, its token on every report call', async () => {
  setSigningClock({ now: () => new Date(NOW) });
  try {
    const key = serviceAccountKeyFile(serviceAccount.privateKey);
    const customer = await c.customer({ property_id: '314159' }, { service_account_key: key }, { tokenUrl: `${c.server.url}/token`, authVariant: 'service_account' });
    const tokens = c.server.sent('/token').length;
    const reports = c.server.sent('/v1beta/properties/314159:runReport').length;
    const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'traffic_daily');
    expect(outcome.status).toBe('COMPLETED');
    expect(await c.rows('ga4_traffic_daily', customer, 'date, channel_group')).toHaveLength(4);

    const iat = NOW / 1000;
    const assertion = rs256Jwt(
      { alg: 'RS256', typ: 'JWT', kid: '3f5c1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e' },
      { iss: 'dif-reader@example-project.iam.gserviceaccount.com', scope: 'https://www.googleapis.com/auth/analytics.readonly', aud: `${c.server.url}/token`, exp: iat + 3600, iat },
      serviceAccount.privateKey,
    );
    expect(c.server.sent('/token').slice(tokens).map((r) => r.json)).toEqual([{ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }]);
    const sent = c.server.sent('/v1beta/properties/314159:runReport').slice(reports);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const r of sent) expect(r.headers.authorization).toBe('Bearer ya29.c.fixture-ga4-service-account-token');
    const stored = c.storedText();
    for (const leak of [key, assertion, 'ya29.c.fixture-ga4-service-account-token']) expect(stored).not.toContain(leak);
  } finally {
    setSigningClock();
  }
});

const METRICS = ['activeUsers', 'newUsers', 'totalUsers', 'sessions', 'engagedSessions', 'screenPageViews', 'eventCount', 'keyEvents', 'userEngagementDuration', 'engagementRate', 'bounceRate', 'averageSessionDuration'];

test('engagement_daily: twelve metrics, at most ten per request: two runReport calls per page, rows merged by their dimension values', async () => {
  const customer = await c.customer({ property_id: '577215' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'engagement_daily');
  expect(outcome.status).toBe('COMPLETED');

  const sent = c.server.sent(engagement).map((r) => r.json);
  // Page 1 (offset 0) in two chunks, then page 2 (offset 2, after page 1's two rows) in two chunks; rowCount 3 ends it.
  expect(sent.map((b) => [b.offset, b.metrics.map((m: { name: string }) => m.name)])).toEqual([
    [0, METRICS.slice(0, 10)],
    [0, METRICS.slice(10)],
    [2, METRICS.slice(0, 10)],
    [2, METRICS.slice(10)],
  ]);
  for (const b of sent) {
    expect(b).toMatchObject({ limit: 10000, keepEmptyRows: true, dateRanges: [{ startDate: '2024-03-01', endDate: '2024-03-02' }], dimensions: [{ name: 'date' }, { name: 'sessionDefaultChannelGroup' }] });
    expect(b.orderBys).toEqual([{ dimension: { dimensionName: 'date' } }, { dimension: { dimensionName: 'sessionDefaultChannelGroup' } }]);
  }

  const rows = await c.rows('ga4_engagement_daily', customer, 'date, channel_group');
  expect(rows.map((r) => [day(r.date), r.channel_group, Number(r.active_users), Number(r.engagement_rate), Number(r.bounce_rate), Number(r.average_session_duration_seconds)])).toEqual([
    ['2024-03-01', 'Direct', 40, 0.6666666666666666, 0.3333333333333333, 120.5],
    ['2024-03-01', 'Organic Search', 110, 0.75, 0.25, 140],
    ['2024-03-02', 'Direct', 44, 0.62, 0.38, 118.25],
  ]);
  expect(rows.map((r) => [r.property_id, Number(r.key_events), Number(r.user_engagement_duration_seconds)])).toEqual([
    ['577215', 3, 5400],
    ['577215', 9, 16800],
    ['577215', 0, 6000],
  ]);

  // Re-running the window leaves no duplicate and loses nothing.
  expect((await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'engagement_daily')).status).toBe('COMPLETED');
  const again = await c.rows('ga4_engagement_daily', customer, 'date, channel_group');
  expect(again).toHaveLength(3);
  expect(again.map((r) => Number(r.bounce_rate))).toEqual([0.3333333333333333, 0.25, 0.38]);
});

test('engagement_daily: a chunk whose page lacks a row fails naming the row, and loads nothing', async () => {
  const customer = await c.customer({ property_id: '662607' }, secrets, { tokenUrl: `${c.server.url}/token` });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'engagement_daily');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/steps\[0\]\.chunk\.mergeKey: page 1 .*merge key \[\[\{"value":"20240301"\},\{"value":"Organic Search"\}\]\] is missing from chunk 2/s);
  expect(await c.rows('ga4_engagement_daily', customer, 'date')).toHaveLength(0);
  expect(c.server.sent(shortChunk)).toHaveLength(2); // final: not retried
});
