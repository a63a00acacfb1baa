/**
 * Contract test of vendors/hubspot: CRM v3 object lists paged by paging.next.after, the
 * private app token as a Bearer token, a 429 RATE_LIMIT retried, a 401 failing at once.
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
beforeAll(async () => {
  c = await startVendorContract('hubspot');
  const authorized = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${TOKEN}`;
  const busy = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${BUSY_TOKEN}`;
  c.server.route(
    { method: 'GET', path: '/crm/v3/objects/contacts', when: (r) => busy(r) && !r.query.after, file: 'contacts-page-1.json', headers: USAGE_95 },
    { method: 'GET', path: '/crm/v3/objects/contacts', when: (r) => busy(r) && r.query.after === '103', file: 'contacts-page-2.json' },
    { method: 'GET', path: '/crm/v3/objects/deals', when: busy, file: 'deals-page-1.json' },
    { method: 'GET', path: /^\/crm\/v3\/objects\//, when: (r) => !authorized(r), status: 401, file: 'error-401.json' },
    { method: 'GET', path: '/crm/v3/objects/contacts', when: (r) => r.query.after === '103', status: 429, file: 'error-429-rate-limit.json', times: 1 },
    { method: 'GET', path: '/crm/v3/objects/contacts', when: (r) => !r.query.after, file: 'contacts-page-1.json' },
    { method: 'GET', path: '/crm/v3/objects/contacts', when: (r) => r.query.after === '103', file: 'contacts-page-2.json' },
    { method: 'GET', path: '/crm/v3/objects/deals', file: 'deals-page-1.json' },
  );
});
afterAll(() => c?.shutdown());

test('contacts and deals: pages by paging.next.after, a 429 retried, rows loaded', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');

  const contacts = await c.rows('hubspot_contacts', customer, 'id');
  expect(contacts.map((r) => r.id)).toEqual(['101', '102', '103']);
  expect(contacts[0]).toMatchObject({ lifecyclestage: 'customer', archived: false });
  // Personal columns arrive protected: a pseudonym under the customer's key, and the ad platforms' SHA-256.
  expect(contacts[0].email).toMatch(/^[0-9a-f]{64}$/);
  expect(contacts[0].email_sha256).toBe(createHash('sha256').update('ada@example.com').digest('hex'));
  expect(JSON.stringify(contacts)).not.toMatch(/ada@example|Lovelace|Turing|Hopper/);
  expect(contacts[2].lifecyclestage).toBeNull();
  const deals = await c.rows('hubspot_deals', customer, 'id');
  expect(deals).toHaveLength(1);
  expect(Number(deals[0].amount)).toBeCloseTo(1500.5);

  const sent = c.server.sent('/crm/v3/objects/contacts');
  expect(sent.map((r) => r.query.after)).toEqual([undefined, '103', '103']); // the 429, then the retry
  expect(sent[0].query).toMatchObject({ limit: '100', archived: 'false' });
  expect(sent[0].query.properties.split(',')).toContain('email');
  expect(sent.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(c.storedText()).not.toContain(TOKEN);
});

test('a wrong token: 401 INVALID_AUTHENTICATION fails at once, with HubSpot’s message', async () => {
  const customer = await c.customer({}, { access_token: 'pat-na1-wrong' });
  const before = c.server.requests.length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 401: .*Authentication credentials not found/s);
  expect(c.server.requests.length - before).toBeLessThanOrEqual(2); // one per stream at most, no retries
});

test('X-HubSpot-RateLimit-Remaining 5 of 100: the next request waits one interval, before any 429', async () => {
  const customer = await c.customer({}, { access_token: BUSY_TOKEN });
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' }, 4, 'contacts');
  expect(outcome.status).toBe('COMPLETED');
  expect(await c.rows('hubspot_contacts', customer, 'id')).toHaveLength(3);

  const pages = c.server.sent('/crm/v3/objects/contacts').filter((r) => r.headers.authorization === `Bearer ${BUSY_TOKEN}`);
  expect(pages.map((r) => r.query.after)).toEqual([undefined, '103']); // no 429, no retry
  const gap = pages[1].at - pages[0].at;
  console.log(`hubspot: ${gap} ms between the page reporting 95% and the next (interval ${INTERVAL_MS} ms)`);
  expect(gap).toBeGreaterThanOrEqual(INTERVAL_MS - 15);
  expect(gap).toBeLessThan(INTERVAL_MS + 2000);
});
