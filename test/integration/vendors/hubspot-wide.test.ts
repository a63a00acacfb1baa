/**
 * Contract test of hubspot's contacts_all_properties: the contact properties listed by the
 * properties API become typed columns, the contacts read with their properties 100 at a
 * time (GET with a comma-separated `properties`, which answers 414 when it names hundreds)
 * and merged by id; a property added between two runs gets its column (evolve), fails the
 * run naming it (freeze, on a copy of the stream) or is left out (ignore, another copy).
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const TOKEN = 'pat-na1-wide-SECRET';
/** The customer whose portal has gained the custom property acme_churn_risk. */
const GROWN_TOKEN = 'pat-na1-grown-SECRET';
const PROPERTIES = '/crm/v3/properties/contacts';
const CONTACTS = '/crm/v3/objects/contacts';
const TABLES = { evolve: 'hubspot_contacts_all_properties', freeze: 'hubspot_contacts_frozen', ignore: 'hubspot_contacts_ignoring' };
const window = { from: '2024-03-01', to: '2024-03-01' };
type Request = { query: Record<string, string>; headers: Record<string, unknown> };
const asked = (r: Request) => r.query.properties?.split(',') ?? [];

beforeAll(async () => {
  c = await startVendorContract('hubspot', (config) => {
    // Two copies of the shipped stream that differ only in policy and table.
    for (const policy of ['freeze', 'ignore'] as const) {
      const copy = JSON.parse(JSON.stringify(config.streams.contacts_all_properties));
      copy.discover.policy = policy;
      copy.table.name = TABLES[policy];
      config.streams[`contacts_${policy}`] = copy;
    }
  });
  // Each run of the file starts from no table, so the first run creates it and the second meets the new field.
  for (const table of Object.values(TABLES)) await c.h.runtime.postgres.query(`DROP TABLE IF EXISTS dif_test.${table}`);
  const grown = (r: { headers: Record<string, unknown> }) => r.headers.authorization === `Bearer ${GROWN_TOKEN}`;
  c.server.route(
    { method: 'GET', path: PROPERTIES, when: grown, file: 'properties-contacts-new-field.json' },
    { method: 'GET', path: PROPERTIES, file: 'properties-contacts.json' },
    { method: 'GET', path: CONTACTS, when: (r) => asked(r).length === 100, file: 'contacts-all-properties-chunk-1.json' },
    { method: 'GET', path: CONTACTS, when: (r) => asked(r).length === 4, file: 'contacts-all-properties-chunk-2.json' },
    { method: 'GET', path: CONTACTS, when: (r) => asked(r).length === 5, file: 'contacts-all-properties-chunk-2-new-field.json' },
  );
});
afterAll(() => c?.shutdown());

async function columnTypes(table: string): Promise<Record<string, string>> {
  const { rows } = await c.h.runtime.postgres.query('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', ['dif_test', table]);
  return Object.fromEntries(rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]));
}

const sentBy = (path: string, token: string) => c.server.sent(path).filter((r) => r.headers.authorization === `Bearer ${token}`) as unknown as Request[];

test('every property a typed column, asked for 100 at a time and merged by id; a property added later gets its column on the next run (evolve)', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  const outcome = await c.ingest(customer, window, 4, 'contacts_all_properties');
  expect(outcome.status).toBe('COMPLETED');

  expect(sentBy(PROPERTIES, TOKEN)).toHaveLength(1);
  const pages = sentBy(CONTACTS, TOKEN);
  expect(pages.map((r) => asked(r).length)).toEqual([100, 4]);
  expect(asked(pages[1])).toEqual(['acme_score', 'acme_renewal_date', 'acme_vip', 'acme_last_touch']);
  const all = pages.flatMap(asked);
  expect(new Set(all).size).toBe(104);
  expect(all).not.toContain('phone'); // left out by `where`: a personal field nobody declared
  expect(pages.every((r) => r.query.limit === '100' && r.query.archived === 'false')).toBe(true);

  const types = await columnTypes(TABLES.evolve);
  expect(types).toMatchObject({
    id: 'text', email: 'text', hs_object_id: 'numeric', createdate: 'timestamp with time zone', lifecyclestage: 'text', hs_email_optout: 'boolean',
    acme_survey_q001: 'text', acme_survey_q089: 'text', acme_score: 'numeric', acme_renewal_date: 'date', acme_vip: 'boolean', acme_last_touch: 'timestamp with time zone',
  });
  expect(types).not.toHaveProperty('phone');
  const rows = await c.rows(TABLES.evolve, customer, 'id');
  expect(rows.map((r) => [r.id, r.lifecyclestage, r.acme_score === null ? null : Number(r.acme_score), r.acme_vip, r.acme_renewal_date?.toISOString().slice(0, 10) ?? null, r.acme_survey_q002])).toEqual([
    ['201', 'customer', 87.5, true, '2025-01-31', 'yes'],
    ['202', 'lead', null, false, null, 'no'],
  ]);
  expect(rows[0].acme_last_touch.toISOString()).toBe('2024-03-01T12:30:00.000Z');
  // Declared columns win over listed fields: email and names arrive protected, never raw.
  expect(rows[0].email).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify(rows)).not.toMatch(/grace@example|Hopper|Katherine/);

  // A portal that has gained acme_churn_risk: its column is added and loaded; the rows already there keep theirs.
  const grown = await c.customer({}, { access_token: GROWN_TOKEN });
  expect((await c.ingest(grown, window, 4, 'contacts_all_properties')).status).toBe('COMPLETED');
  expect(sentBy(CONTACTS, GROWN_TOKEN).map((r) => asked(r).length)).toEqual([100, 5]);
  expect((await columnTypes(TABLES.evolve)).acme_churn_risk).toBe('text');
  expect((await c.rows(TABLES.evolve, grown, 'id')).map((r) => [r.id, r.acme_churn_risk])).toEqual([['201', 'low'], ['202', 'high']]);
  expect((await c.rows(TABLES.evolve, customer, 'id')).map((r) => r.acme_churn_risk)).toEqual([null, null]);

  // Re-running the window: no duplicate, nothing lost.
  expect((await c.ingest(grown, window, 4, 'contacts_all_properties')).status).toBe('COMPLETED');
  const again = await c.rows(TABLES.evolve, grown, 'id');
  expect(again.map((r) => [r.id, r.acme_churn_risk, r.acme_vip])).toEqual([['201', 'low', true], ['202', 'high', false]]);
  expect(c.storedText()).not.toContain(TOKEN);
});

test('freeze: a property the table lacks fails the run naming it, before any contact is read', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  expect((await c.ingest(customer, window, 4, 'contacts_freeze')).status).toBe('COMPLETED');
  const grown = await c.customer({}, { access_token: GROWN_TOKEN });
  const before = sentBy(CONTACTS, GROWN_TOKEN).length;
  const outcome = await c.ingest(grown, window, 4, 'contacts_freeze');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/\$\.streams\.contacts_freeze\.discover: table hubspot_contacts_frozen: new field "acme_churn_risk" \(column acme_churn_risk, string\) not in the table, and the policy is freeze/);
  expect(sentBy(CONTACTS, GROWN_TOKEN).length).toBe(before);
  expect(await columnTypes(TABLES.freeze)).not.toHaveProperty('acme_churn_risk');
  expect(await c.rows(TABLES.freeze, grown, 'id')).toHaveLength(0);
});

test('ignore: a property the table lacks is left out, the rest loads', async () => {
  const customer = await c.customer({}, { access_token: TOKEN });
  expect((await c.ingest(customer, window, 4, 'contacts_ignore')).status).toBe('COMPLETED');
  const grown = await c.customer({}, { access_token: GROWN_TOKEN });
  expect((await c.ingest(grown, window, 4, 'contacts_ignore')).status).toBe('COMPLETED');
  expect(await columnTypes(TABLES.ignore)).not.toHaveProperty('acme_churn_risk');
  expect((await c.rows(TABLES.ignore, grown, 'id')).map((r) => [r.id, r.lifecyclestage, r.acme_vip])).toEqual([['201', 'customer', true], ['202', 'lead', false]]);
});
