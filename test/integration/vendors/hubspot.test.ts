/**
 * Contract test of vendors/hubspot: the CRM search endpoints read incrementally (filtered on
 * the last-modified property from the stored cursor, paged by paging.next.after, a search
 * that reaches the 10,000-result cap started over from its last record), the private app
 * token as a Bearer token, a 429 RATE_LIMIT retried, a 401 failing at once.
 */
import { createHash } from 'node:crypto';
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'pat-na1-hubspot-SECRET';
/** The customer whose first contacts page reports 95% of the window used. */
const BUSY_TOKEN = 'pat-na1-busy-SECRET';
/** HubSpot's window is 10,000 ms; the mock says 1,500 so the test is short. */
const INTERVAL_MS = 1500;
/**
 * The headers as https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines.md
 * lists them (a private app: 100 per 10 seconds, 250,000 a day), 5 of 100 left, interval shortened.
 */
const USAGE_95 = {
  'x-hubspot-ratelimit-daily': '250000',
  'x-hubspot-ratelimit-daily-remaining': '249000',
  'x-hubspot-ratelimit-interval-milliseconds': String(INTERVAL_MS),
  'x-hubspot-ratelimit-max': '100',
  'x-hubspot-ratelimit-remaining': '5',
};
const CONTACTS = '/crm/v3/objects/contacts/search';
const DEALS = '/crm/v3/objects/deals/search';
const ANCHOR = String(Date.parse('2024-03-01T09:00:00.000Z'));
/** Contact 103's lastmodifieddate (the greatest loaded) less the config's 5-minute lookback. */
const AFTER_FIRST_RUN = String(Date.parse('2024-03-02T16:45:00.000Z') - 5 * 60_000);
/** The lastmodifieddate a search filters from (`value` of its one filter). */
const filterValue = (r: { json?: unknown }) => (r.json as { filterGroups?: { filters: { value: string }[] }[] } | undefined)?.filterGroups?.[0]?.filters[0]?.value;

beforeAll(async () => {
  c = await startVendorContract('hubspot');
  const authorized = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${TOKEN}`;
  const busy = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${BUSY_TOKEN}`;
  // The search started over from the last record of the capped page (101, modified 2024-03-01T09:00:00Z).
  const anchored = (r: { json?: unknown }) => filterValue(r) === ANCHOR;
  c.server.route(
    { method: 'POST', path: CONTACTS, when: (r) => busy(r) && !anchored(r), file: 'contacts-search-page-1.json', headers: USAGE_95 },
    { method: 'POST', path: CONTACTS, when: (r) => busy(r) && anchored(r), file: 'contacts-search-anchored.json' },
    { method: 'POST', path: DEALS, when: busy, file: 'deals-search-page-1.json' },
    { method: 'POST', path: /^\/crm\/v3\/objects\/\w+\/search$/, when: (r) => !authorized(r), status: 401, file: 'error-401.json' },
    { method: 'POST', path: CONTACTS, when: anchored, status: 429, file: 'error-429-rate-limit.json', times: 1 },
    { method: 'POST', path: CONTACTS, when: (r) => !anchored(r) && filterValue(r) !== AFTER_FIRST_RUN, file: 'contacts-search-page-1.json' },
    { method: 'POST', path: CONTACTS, when: anchored, file: 'contacts-search-anchored.json' },
    // The second run's search, from the stored cursor less the lookback: nothing changed since.
    { method: 'POST', path: CONTACTS, when: (r) => filterValue(r) === AFTER_FIRST_RUN, body: JSON.stringify({ total: 0, results: [] }) },
    { method: 'POST', path: DEALS, file: 'deals-search-page-1.json' },
  );
});
afterAll(() => c?.shutdown());

test('contacts and deals: searched from the window start, the 10,000-result cap re-anchored, a 429 retried, the cursor stored; the next run reads from it', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-02-01', to: '2024-02-01' });
  expect(outcome.status).toBe('COMPLETED');

  const contacts = await c.rows('hubspot_contacts', customer, 'id');
  expect(contacts.map((r) => r.id)).toEqual(['101', '102', '103']); // 101, read twice across the restart, merged
  expect(contacts[0]).toMatchObject({ lifecyclestage: 'customer', archived: false });
  expect(contacts[0].lastmodifieddate.toISOString()).toBe('2024-03-01T09:00:00.000Z');
  // Personal columns arrive protected: a pseudonym under the customer's key, and the ad platforms' SHA-256.
  expect(contacts[0].email).toMatch(/^[0-9a-f]{64}$/);
  expect(contacts[0].email_sha256).toBe(createHash('sha256').update('ada@example.com').digest('hex'));
  expect(JSON.stringify(contacts)).not.toMatch(/ada@example|Lovelace|Turing|Hopper/);
  expect(contacts[2].lifecyclestage).toBeNull();
  const deals = await c.rows('hubspot_deals', customer, 'id');
  expect(deals).toHaveLength(1);
  expect(Number(deals[0].amount)).toBeCloseTo(1500.5);

  const sent = c.server.sent(CONTACTS).filter((r) => r.headers.authorization === `Bearer ${TOKEN}`);
  // No cursor stored yet: from the window's start; then, at the cap, from the last record seen (the 429, then its retry).
  expect(sent.map(filterValue)).toEqual([String(Date.parse('2024-02-01T00:00:00Z')), ANCHOR, ANCHOR]);
  expect(sent.map((r) => (r.json as { after?: string }).after)).toEqual([undefined, undefined, undefined]);
  expect(sent[0].json).toMatchObject({
    filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE' }] }],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    limit: 100,
  });
  expect((sent[0].json as { properties: string[] }).properties).toContain('email');
  expect(c.storedText()).not.toContain(TOKEN);

  // The greatest lastmodifieddate loaded is stored, after the load; the next run (any window) searches from it less 5 minutes.
  const state = await c.h.runtime.deps.streamState.list(customer, 'hubspot');
  expect(state.map((s) => [s.stream, s.partition, s.cursor])).toEqual([
    ['contacts', '', '2024-03-02T16:45:00.000Z'],
    ['deals', '', '2024-03-15T10:00:00.000Z'],
  ]);
  const again = await c.ingest(customer, { from: '2024-03-10', to: '2024-03-10' }, 4, 'contacts');
  expect(again.status).toBe('COMPLETED');
  expect(c.server.sent(CONTACTS).filter((r) => r.headers.authorization === `Bearer ${TOKEN}`).slice(3).map(filterValue)).toEqual([AFTER_FIRST_RUN]);
  expect(await c.rows('hubspot_contacts', customer, 'id')).toHaveLength(3);
  // A run that loaded no row leaves the cursor where it was.
  expect((await c.h.runtime.deps.streamState.get({ customer, vendor: 'hubspot', stream: 'contacts', partition: '' }))).toBe('2024-03-02T16:45:00.000Z');
});

test('a wrong token: 401 INVALID_AUTHENTICATION fails at once, with HubSpot’s message', async () => {
  const customer = await c.customer({}, { access_token: 'pat-na1-wrong' });
  const before = c.server.requests.length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 401: .*Authentication credentials not found/s);
  expect(c.server.requests.length - before).toBeLessThanOrEqual(3); // one per stream at most (contacts, deals, contacts_all_properties' list of properties), no retries
});

test('X-HubSpot-RateLimit-Remaining 5 of 100: the next request waits one interval, before any 429', async () => {
  const customer = await c.customer({}, { access_token: BUSY_TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-02-01', to: '2024-02-01' }, 4, 'contacts');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('hubspot_contacts', customer, 'id')).toHaveLength(3);

  const pages = c.server.sent(CONTACTS).filter((r) => r.headers.authorization === `Bearer ${BUSY_TOKEN}`);
  expect(pages.map(filterValue)).toEqual([String(Date.parse('2024-02-01T00:00:00Z')), ANCHOR]); // no 429, no retry
  const gap = pages[1].at - pages[0].at;
  console.log(`hubspot: ${gap} ms between the page reporting 95% and the next (interval ${INTERVAL_MS} ms)`);
  expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS - 15);
  expect(gap).toBeLessThan(INTERVAL_MS + 2000);
});
