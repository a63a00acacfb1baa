/**
 * Contract test of salesforce's opportunities_custom_fields: the Opportunity describe lists
 * the org's custom fields (`__c`), which become typed columns and are named in the SOQL
 * query; a custom field created between two runs gets its column on the next (evolve).
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: '3MVG9fixtureConsumerKey', client_secret: 'sf-consumer-SECRET', refresh_token: '5Aep861fixture-refresh-SECRET' };
const DESCRIBE = '/services/data/v62.0/sobjects/Opportunity/describe';
const QUERY = '/services/data/v62.0/query';
const TABLE = 'salesforce_opportunities_custom';
const window = { from: '2024-03-01', to: '2024-03-01' };
const CUSTOM = ['Region__c', 'Discount_Percent__c', 'Contract_Value__c', 'Seats__c', 'Signed_On__c', 'Renewal_At__c', 'Is_Strategic__c'];

beforeAll(async () => {
  c = await startVendorContract('salesforce');
  // Each run of the file starts from no table: the first run creates it, the second meets the new field.
  await c.h.runtime.postgres.query(`DROP TABLE IF EXISTS dif_test.${TABLE}`);
  c.server.route(
    { method: 'POST', path: '/services/oauth2/token', file: 'token.json' },
    // The org as the first run sees it; afterwards an admin has created Churn_Reason__c.
    { method: 'GET', path: DESCRIBE, file: 'describe-opportunity.json', times: 1 },
    { method: 'GET', path: DESCRIBE, file: 'describe-opportunity-new-field.json' },
    { method: 'GET', path: QUERY, when: (r) => r.query.q?.includes('Churn_Reason__c'), file: 'query-custom-fields-new-field.json' },
    { method: 'GET', path: QUERY, file: 'query-custom-fields.json' },
  );
});
afterAll(() => c?.shutdown());

async function columnTypes(): Promise<Record<string, string>> {
  const { rows } = await c.h.runtime.postgres.query('SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', ['dif_test', TABLE]);
  return Object.fromEntries(rows.map((r: { column_name: string; data_type: string }) => [r.column_name, r.data_type]));
}

test('custom fields from describe become typed columns, named in the SOQL; a field created later is added on the next run', async () => {
  const customer = await c.customer({}, secrets);
  const outcome = await c.ingest(customer, window, undefined, 'opportunities_custom_fields');
  expect(outcome.status).toBe('COMPLETED');

  const [query] = c.server.sent(QUERY);
  expect(query.query.q).toBe(
    `SELECT Id, Name, StageName, Amount, CloseDate, LastModifiedDate, ${CUSTOM.join(', ')} FROM Opportunity ` +
      'WHERE LastModifiedDate >= 2024-03-01T00:00:00Z AND LastModifiedDate <= 2024-03-01T23:59:59Z ORDER BY LastModifiedDate',
  );
  expect(c.server.sent(DESCRIBE)[0].headers.authorization).toMatch(/^Bearer /);
  expect(await columnTypes()).toMatchObject({
    id: 'text', amount: 'numeric', region_c: 'text', discount_percent_c: 'numeric', contract_value_c: 'numeric', seats_c: 'numeric',
    signed_on_c: 'date', renewal_at_c: 'timestamp with time zone', is_strategic_c: 'boolean',
  });
  const rows = await c.rows(TABLE, customer, 'id');
  expect(rows.map((r) => [r.id, r.region_c, r.discount_percent_c === null ? null : Number(r.discount_percent_c), r.seats_c === null ? null : Number(r.seats_c), r.signed_on_c?.toISOString().slice(0, 10) ?? null, r.is_strategic_c])).toEqual([
    ['006RO00000C1AAAYA3', 'EMEA', 12.5, 120, '2024-02-28', true],
    ['006RO00000C2AAAYA3', null, null, null, null, false],
  ]);
  expect(rows[0].renewal_at_c.toISOString()).toBe('2025-03-01T00:00:00.000Z');
  expect(Number(rows[0].contract_value_c)).toBe(52000);

  // Churn_Reason__c created in the org: the next run names it in the query and adds its column.
  const second = await c.ingest(customer, window, undefined, 'opportunities_custom_fields');
  expect(second.status).toBe('COMPLETED');
  expect(c.server.sent(QUERY).at(-1)!.query.q).toContain(', Is_Strategic__c, Churn_Reason__c FROM Opportunity');
  expect((await columnTypes()).churn_reason_c).toBe('text');
  const again = await c.rows(TABLE, customer, 'id');
  // The same window again: no duplicate, nothing lost, the new field filled.
  expect(again.map((r) => [r.id, r.region_c, r.churn_reason_c])).toEqual([
    ['006RO00000C1AAAYA3', 'EMEA', null],
    ['006RO00000C2AAAYA3', null, 'Budget moved to next year'],
  ]);
  const stored = c.storedText();
  for (const secret of Object.values(secrets).slice(1)) expect(stored).not.toContain(secret);
});
