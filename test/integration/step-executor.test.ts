/**
 * Every step strategy and pagination kind against mock endpoints that imitate real APIs'
 * documented shapes (test/mock-vendor/zoo), over real HTTP, on the real Temporal server,
 * loading into Postgres.
 */
import { expectedContacts, expectedGithubIssues, expectedGoogleAdsRows, expectedMetaInsights, expectedOrders, linkedinCampaignId } from '../mock-vendor/vendor-zoo';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import diagnosticsChannel from 'node:diagnostics_channel';

let h: ZooHarness;
beforeAll(async () => {
  h = await startZooHarness('executor');
});
afterAll(() => h?.shutdown());

async function rows(table: string, customer: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const { rows } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${table} WHERE _dif_customer = $1 ORDER BY ${orderBy}`, [customer]);
  return rows;
}

test('Meta insights: next-URL pages until paging.next is gone; the token never reaches the store or history', async () => {
  const customer = await h.customerFor('zoo-meta', { ad_account_id: '1001' }, { access_token: 'meta-token' });
  const before = h.zoo.requestsFor('meta.insights').length;
  const outcome = await h.ingest('zoo-meta', customer, { from: '2024-02-01', to: '2024-02-07' });
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.recordsFetched).toBe(60);
  expect(outcome.summary!.pagesFetched).toBe(3); // 25 + 25 + 10
  expect(h.zoo.requestsFor('meta.insights').length - before).toBe(3);
  const expected = expectedMetaInsights('1001', '2024-02-01', '2024-02-07');
  const loaded = await rows('zoo_meta_campaign_insights', customer, 'campaign_id');
  expect(loaded).toHaveLength(60);
  expect(loaded[0].campaign_id).toBe(expected.map((r) => r.campaign_id).sort()[0]);
  // Meta echoes the token inside paging.next: it was scrubbed before storing.
  expect(h.storedText()).not.toContain('meta-token');
  const history = JSON.stringify(await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory());
  expect(history).not.toContain('meta-token');
  expect(history).not.toContain(Buffer.from('meta-token').toString('base64').slice(0, 12));
});

test('GitHub issues: Link header rel="next" pages', async () => {
  h.zoo.configure({ github: { token: 'gh-token' } });
  const customer = await h.customerFor('zoo-github', { owner: 'octo', repo: 'dif' }, { token: 'gh-token' });
  const outcome = await h.ingest('zoo-github', customer);
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.summary!.pagesFetched).toBe(3); // 40 + 40 + 15
  const loaded = await rows('zoo_github_issues', customer, 'id');
  const expected = expectedGithubIssues('octo', 'dif');
  expect(loaded.map((r) => Number(r.id))).toEqual(expected.map((i) => i.id).sort((a, b) => a - b));
  expect(loaded.find((r) => Number(r.id) === expected[0].id)!.author).toBe(expected[0].user.login);
});

test('Google Ads search: nextPageToken sent back in the POST body, developer-token header', async () => {
  h.zoo.configure({ googleAds: { pageSize: 4 } });
  const customer = await h.customerFor('zoo-google-ads', { customer_id: '1234567890', developer_token: 'dev-token' }, { access_token: 'google-token' });
  const before = h.zoo.requestsFor('googleAds.search').length;
  const outcome = await h.ingest('zoo-google-ads', customer, { from: '2024-01-01', to: '2024-01-03' });
  expect(outcome.status).toBe('COMPLETED');
  const expected = expectedGoogleAdsRows('1234567890', '2024-01-01', '2024-01-03');
  expect(outcome.recordsFetched).toBe(expected.length); // 3 campaigns × 3 days
  const sent = h.zoo.requestsFor('googleAds.search').slice(before);
  expect(sent).toHaveLength(Math.ceil(expected.length / 4));
  expect(sent[0].headers['developer-token']).toBe('dev-token');
  expect((sent[0].parsedBody as { pageToken?: string }).pageToken).toBeUndefined();
  expect((sent[1].parsedBody as { pageToken?: string }).pageToken).toBeTruthy();
  expect((sent[1].parsedBody as { query: string }).query).toContain("BETWEEN '2024-01-01' AND '2024-01-03'");
  const loaded = await rows('zoo_google_ads_campaign_daily', customer, 'campaign_id, date');
  expect(loaded).toHaveLength(expected.length);
});

test('offset/limit with a total, and page numbers with a stop expression', async () => {
  const c1 = await h.customerFor('zoo-contacts');
  const contacts = await h.ingest('zoo-contacts', c1);
  expect(contacts.status).toBe('COMPLETED');
  expect(contacts.summary!.pagesFetched).toBe(3);
  expect((await rows('zoo_contacts', c1, 'id')).map((r) => Number(r.id))).toEqual(expectedContacts().map((c) => c.id));

  const c2 = await h.customerFor('zoo-orders');
  const orders = await h.ingest('zoo-orders', c2);
  expect(orders.status).toBe('COMPLETED');
  expect(orders.summary!.pagesFetched).toBe(4); // 75 records, 20 a page
  expect((await rows('zoo_orders', c2, 'id')).map((r) => Number(r.id))).toEqual(expectedOrders().map((o) => o.id));
});

test('LinkedIn: accounts, then campaigns per account, then analytics per campaign, parents carried into rows', async () => {
  const customer = await h.customerFor('zoo-linkedin', {}, { access_token: 'linkedin-token' });
  const callsBefore = h.zoo.linkedin.analyticsCalls.length;
  // Each analytics answer takes a while, so the step's three lanes overlap and its peak
  // shows the configured concurrency (3) exactly: one lane, or more than three, fails.
  h.zoo.setLatency('linkedin.adAnalytics', 400);
  const outcome = await h.ingest('zoo-linkedin', customer, { from: '2024-01-30', to: '2024-02-01' }).finally(() => h.zoo.setLatency('linkedin.adAnalytics', 0));
  expect(outcome.status).toBe('COMPLETED');
  // One call per campaign (2 accounts × 3 campaigns), none repeated or skipped.
  const calls = h.zoo.linkedin.analyticsCalls.slice(callsBefore).flatMap((c) => c.campaigns);
  expect(calls.sort()).toEqual([0, 1].flatMap((a) => [0, 1, 2].map((c) => linkedinCampaignId(a, c))).sort());
  const loaded = await rows('zoo_linkedin_campaign_analytics', customer, 'campaign_id, date');
  expect(loaded).toHaveLength(2 * 3 * 3); // campaigns × days
  expect(new Set(loaded.map((r) => r.account_id)).size).toBe(2);
  expect(loaded[0].date).toBeInstanceOf(Date);
  expect(h.zoo.peakConcurrency('linkedin.adAnalytics')).toBe(3);
});

test('429 storms with Retry-After and 500s are retried; the run completes', async () => {
  const customer = await h.customerFor('zoo-orders');
  const before = h.zoo.requestsFor('generic.orders').length;
  h.zoo.failNext('generic.orders', 2, { status: 429, retryAfter: '1' });
  h.zoo.failNext('generic.orders', 1, { status: 500 });
  const outcome = await h.ingest('zoo-orders', customer, undefined, { maxAttempts: 6 });
  expect(outcome.status).toBe('COMPLETED');
  expect(h.zoo.requestsFor('generic.orders').length - before).toBe(4 + 3);
});

test('a malformed JSON page fails the run, naming the page', async () => {
  const customer = await h.customerFor('zoo-contacts');
  h.zoo.failNext('generic.contacts', 1, { status: 200, body: '{"items": [ {"id": 1, ' });
  const outcome = await h.ingest('zoo-contacts', customer);
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/api\/v1\/contacts: page 1 \(raw\/zoo-contacts\/.*page-000001\.json\) is not valid JSON/);
});

test('a vendor that does not answer times out and the retry succeeds', async () => {
  const customer = await h.customerFor('zoo-contacts', {}, {}, { timeoutSeconds: 0.5 });
  h.zoo.failNext('generic.contacts', 1, { hang: true });
  const outcome = await h.ingest('zoo-contacts', customer);
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.recordsFetched).toBe(120);
});

test('a vendor rate limit holds across runs sharing the account (Redis-backed)', async () => {
  h.zoo.configure({ orders: { records: 120 } }); // 6 pages of 20 per run
  const limit = { rateLimit: { requestsPerSecond: 4, scope: 'account' } };
  const [a, b] = [await h.customerFor('zoo-orders', {}, {}, limit), await h.customerFor('zoo-orders', {}, {}, limit)];
  // When each request's headers leave the worker (undici's diagnostics channel). The mock's own
  // handler shares this busy process's event loop and stamped arrivals up to 0.7 s late.
  const departures: number[] = [];
  const onSendHeaders = (message: unknown) => {
    if ((message as { request: { path: string } }).request.path.startsWith('/api/v2/orders')) departures.push(Date.now());
  };
  diagnosticsChannel.subscribe('undici:client:sendHeaders', onSendHeaders);
  const since = Date.now();
  try {
    const outcomes = await Promise.all([h.ingest('zoo-orders', a), h.ingest('zoo-orders', b)]);
    expect(outcomes.map((o) => o.status)).toEqual(['COMPLETED', 'COMPLETED']);
  } finally {
    diagnosticsChannel.unsubscribe('undici:client:sendHeaders', onSendHeaders);
  }
  expect(h.zoo.requestsFor('generic.orders').filter((r) => r.at >= since)).toHaveLength(12);
  expect(departures).toHaveLength(12);
  // 12 requests at 4 per second across both runs: 250 ms apart, so 2.75 s from first to
  // last, and never more than 4 in any one-second window (100 ms allowed for timer jitter).
  expect(Math.max(...departures) - Math.min(...departures)).toBeGreaterThanOrEqual(2700);
  for (const t of departures) expect(departures.filter((u) => u >= t && u < t + 900).length).toBeLessThanOrEqual(4);
  h.zoo.configure({ orders: { records: 75 } });
});
