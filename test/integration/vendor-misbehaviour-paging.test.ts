/**
 * Vendors that misbehave while they are paged (issue 21, items 3, 6 and 7), on the zoo's
 * campaigns API (test/mock-vendor/zoo/campaigns.ts, test/setup/misbehaving-vendor.ts): 429s
 * with Retry-After in seconds and as an HTTP date, 503 without it, a reset mid-body, a body
 * slower than the timeout, a BOM, HTML in a 200, an empty last page that still links on and
 * stale copies across pages. Every run has ONE activity attempt (maxAttempts 1): each fault
 * must be absorbed by the retries of its own request, and the warehouse must hold exactly the
 * vendor's rows. A dependent step with `concurrency: 4` under `concurrency.requests: 2` never
 * has more than 2 requests at the vendor.
 */
import { campaignClicks, expectedCampaigns } from '../mock-vendor/vendor-zoo';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { misbehave, type Misbehaviour } from '../setup/misbehaving-vendor';

let h: ZooHarness;
beforeAll(async () => {
  h = await startZooHarness('misbehaviour');
  h.zoo.configure({ campaigns: { campaigns: 10, pageSize: 4, staleCopies: true, emptyLastPageLinksOn: true } });
});
afterAll(() => h?.shutdown());
afterEach(() => h.zoo.resetLog());

const WINDOW = { from: '2024-03-01', to: '2024-03-02' };

async function rows(table: string, customer: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const { rows } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${table} WHERE _dif_customer = $1 ORDER BY ${orderBy}`, [customer]);
  return rows;
}

const expectedCampaignRows = () => expectedCampaigns({ campaigns: 10 }).map((c) => [c.id, c.name, c.updated_at]);

test('every misbehaviour on the pages of one pagination, one activity attempt: exactly the vendor\'s campaigns, fresh copies winning', async () => {
  const customer = await h.customerFor('zoo-campaigns');
  // Three failures before page 1, three before page 2 (whose answer then comes with a BOM): each within its own budget of 4.
  const page1: Misbehaviour[] = ['throttledSeconds', 'unavailable', 'resetMidBody'];
  const page2: Misbehaviour[] = ['throttledDate', 'slowBody', 'html200', 'bom'];
  misbehave(h.zoo, 'campaigns.list', page1);
  h.zoo.failNext('campaigns.list', 1, {}); // page 1 answered as usual
  misbehave(h.zoo, 'campaigns.list', page2);
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaigns', maxAttempts: 1 });
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('COMPLETED');
  // Pages 1 to 3 and the empty 4th, which links on to a 5th that is never asked for.
  const pages = h.zoo.requestsFor('campaigns.list').map((r) => (r.query.page_token ? Buffer.from(r.query.page_token, 'base64').toString() : '1'));
  expect(pages).toEqual(['1', '1', '1', '1', '2', '2', '2', '2', '3', '4']);
  // The date-form Retry-After was waited: at least 1 s between the 429 and the next request (generous: the date says 1-2 s).
  const [, , , , throttled, next] = h.zoo.requestsFor('campaigns.list');
  expect(next.at - throttled.at).toBeGreaterThanOrEqual(900);
  expect(outcome.summary!.pagesFetched).toBe(4);
  const loaded = await rows('zoo_campaigns', customer, 'id');
  expect(loaded.map((r) => [Number(r.id), r.name, (r.updated_at as Date).toISOString().replace('.000', '')])).toEqual(expectedCampaignRows());
});

test('the budget is per request and starts again after each success: three faults before every page still finish', async () => {
  const customer = await h.customerFor('zoo-campaigns');
  // retry.perRequest.maxAttempts is 4: three failures and an answer, for each of the 4 pages.
  for (let page = 0; page < 4; page++) {
    misbehave(h.zoo, 'campaigns.list', ['unavailable', 'throttledSeconds', 'resetMidBody']);
    h.zoo.failNext('campaigns.list', 1, {}); // answered as usual
  }
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaigns', maxAttempts: 1 });
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('COMPLETED');
  expect(h.zoo.requestsFor('campaigns.list')).toHaveLength(4 * 4);
  expect((await rows('zoo_campaigns', customer, 'id')).map((r) => Number(r.id))).toEqual(expectedCampaignRows().map((r) => r[0]));
});

test('a request that fails more often than its budget fails the attempt, naming the last failure', async () => {
  const customer = await h.customerFor('zoo-campaigns');
  misbehave(h.zoo, 'campaigns.list', ['unavailable', 'unavailable', 'unavailable', 'unavailable']);
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaigns', maxAttempts: 1 });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/mis\/v1\/campaigns answered 503: \{"error":\{"code":503,"message":"Service unavailable"\}\}/);
  expect(h.zoo.requestsFor('campaigns.list')).toHaveLength(4);
});

test('a Retry-After three times the heartbeat timeout is waited inside the activity, which keeps heartbeating', async () => {
  const customer = await h.customerFor('zoo-campaigns');
  misbehave(h.zoo, 'campaigns.list', ['throttledSeconds'], { retryAfterSeconds: 3 });
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaigns', maxAttempts: 1, options: { heartbeatTimeoutMs: 1_000 } });
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('COMPLETED');
  const [throttled, next] = h.zoo.requestsFor('campaigns.list');
  expect(next.at - throttled.at).toBeGreaterThanOrEqual(2_900);
});

const expectedStats = () =>
  expectedCampaigns({ campaigns: 10 }).flatMap((c) => ['2024-03-01', '2024-03-02'].map((date) => [c.id, date, campaignClicks(c.id, date)]));

async function statsRows(customer: string) {
  return (await rows('zoo_campaign_stats', customer, 'campaign_id, date')).map((r) => [Number(r.campaign_id), (r.date as Date).toISOString().slice(0, 10), Number(r.clicks)]);
}

test('a dependent step under misbehaviour loads exactly the stats, with never more than concurrency.requests (2) requests in flight', async () => {
  const customer = await h.customerFor('zoo-campaigns');
  h.zoo.setLatency('campaigns.stats', 150);
  misbehave(h.zoo, 'campaigns.list', ['resetMidBody', 'throttledSeconds']);
  misbehave(h.zoo, 'campaigns.stats', ['slowBody', 'resetMidBody', 'throttledDate', 'unavailable', 'bom']);
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaign_stats', maxAttempts: 1 });
  h.zoo.setLatency('campaigns.stats', 0);
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('COMPLETED');
  expect(await statsRows(customer)).toEqual(expectedStats());
  // 12 items (10 campaigns and the 2 stale copies of moved ones), each answered once, and 4 failures before them (the BOM is an answer).
  expect(h.zoo.requestsFor('campaigns.stats')).toHaveLength(12 + 4);
  expect(h.zoo.peakConcurrency('campaigns.stats')).toBe(2);
});

test('without the limit (a customer whose plan allows 10) the same step has 4 requests in flight', async () => {
  const customer = await h.customerFor('zoo-campaigns', {}, {}, { concurrency: { requests: 10 } });
  h.zoo.setLatency('campaigns.stats', 150);
  const outcome = await h.ingest('zoo-campaigns', customer, WINDOW, { stream: 'campaign_stats', maxAttempts: 1 });
  h.zoo.setLatency('campaigns.stats', 0);
  expect(outcome.status).toBe('COMPLETED');
  expect(await statsRows(customer)).toEqual(expectedStats());
  expect(h.zoo.peakConcurrency('campaigns.stats')).toBe(4);
});
