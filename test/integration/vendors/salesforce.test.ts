/**
 * Contract test of vendors/salesforce: SOQL query batches followed by nextRecordsUrl until
 * done, OAuth2 refresh at the org's own /services/oauth2/token (a template on baseUrl, so the
 * customer's baseUrl override covers both), a 401 INVALID_SESSION_ID renewing the token once,
 * a 403 REQUEST_LIMIT_EXCEEDED for concurrent requests retried (config `errors.retryWhen`),
 * and a 400 INVALID_FIELD failing at once with Salesforce's message.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';

let c: VendorContract;
const secrets = { client_id: '3MVG9fixtureConsumerKey', client_secret: 'sf-consumer-SECRET', refresh_token: '5Aep861fixture-refresh-SECRET' };
const query = '/services/data/v62.0/query';
const more = '/services/data/v62.0/query/01gRO0000016PIAYA2-2';
beforeAll(async () => {
  c = await startVendorContract('salesforce');
  c.server.route(
    { method: 'POST', path: '/services/oauth2/token', file: 'token.json' },
    { method: 'GET', path: query, when: (r) => r.query.q?.includes('2024-04-01'), status: 400, file: 'error-400-invalid-field.json' },
    { method: 'GET', path: query, status: 401, file: 'error-401-session.json', times: 1 },
    { method: 'GET', path: query, file: 'query-page-1.json' },
    { method: 'GET', path: more, status: 403, file: 'error-403-concurrent-limit.json', times: 1 },
    { method: 'GET', path: more, file: 'query-page-2.json' },
  );
});
afterAll(() => c?.shutdown());

const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);

test('opportunities: read since the window start by SystemModstamp, nextRecordsUrl batches until done, a 401 renews the session once, rows loaded, the cursor stored and read by the next run', async () => {
  const customer = await c.customer({}, secrets);
  const grants = c.server.sent('/services/oauth2/token').length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'opportunities');
  expect(outcome.status).toBe('COMPLETED');
  const rows = await c.rows('salesforce_opportunities', customer, 'id');
  expect(rows.map((r) => r.id)).toEqual(['006RO00000A1AAAYA3', '006RO00000A2AAAYA3', '006RO00000A3AAAYA3']);
  expect(rows[0]).toMatchObject({ stage_name: 'Closed Won', is_won: true, account_id: '001RO00000B1BBBYA3' });
  expect(Number(rows[0].amount)).toBe(48000);
  expect(rows[1].amount).toBeNull();
  expect(day(rows[2].close_date)).toBe('2024-03-02');

  expect(c.server.sent('/services/oauth2/token').length - grants).toBe(2); // first grant, renewed after the 401
  const token = c.server.sent('/services/oauth2/token').at(-1)!;
  expect(token.json).toMatchObject({ grant_type: 'refresh_token', refresh_token: secrets.refresh_token, client_id: secrets.client_id });
  const first = c.server.sent(query).filter((r) => r.query.q.includes('2024-03-01T00:00:00Z'));
  expect(first).toHaveLength(2); // the 401, then the batch
  expect(first[1].query.q).toContain('FROM Opportunity WHERE SystemModstamp > 2024-03-01T00:00:00Z ORDER BY SystemModstamp');
  const next = c.server.sent(more);
  expect(next).toHaveLength(2); // a 403 REQUEST_LIMIT_EXCEEDED (ConcurrentRequests) is transient: retried
  expect(next[1].query).toEqual({}); // nextRecordsUrl is used as given, without parameters
  expect(next[1].headers.authorization).toBe('Bearer 00DFIXTURE!AQ4AQFixtureSessionToken');
  const stored = c.storedText();
  for (const value of Object.values(secrets)) expect(stored).not.toContain(value);
  expect(stored).not.toContain('00DFIXTURE!AQ4AQFixtureSessionToken');

  // The greatest SystemModstamp loaded (2024-03-02T18:00:00.000+0000) is stored; the next run asks from it less 5 minutes, to the second.
  expect(await c.h.runtime.deps.streamState.get({ customer, vendor: 'salesforce', stream: 'opportunities', partition: '' })).toBe('2024-03-02T18:00:00.000Z');
  const again = await c.ingest(customer, { from: '2024-03-05', to: '2024-03-05' }, undefined, 'opportunities');
  expect(again.status).toBe('COMPLETED');
  expect(c.server.sent(query).at(-1)!.query.q).toContain('FROM Opportunity WHERE SystemModstamp > 2024-03-02T17:55:00Z ORDER BY SystemModstamp');
});

test('a query on a missing field: 400 INVALID_FIELD fails at once with Salesforce’s message', async () => {
  const customer = await c.customer({}, secrets);
  const before = c.server.sent(query).length;
  const outcome = await c.ingest(customer, { from: '2024-04-01', to: '2024-04-01' }, undefined, 'opportunities');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 400: .*INVALID_FIELD/s);
  expect(c.server.sent(query).length - before).toBe(1);
});

describe('Bulk API 2.0 query job', () => {
  const jobs = '/services/data/v62.0/jobs/query';
  const job = `${jobs}/750RO00000FIXTUREAQ`;
  beforeAll(() => {
    c.server.route(
      { method: 'POST', path: jobs, file: 'bulk-create.json' },
      { method: 'GET', path: job, file: 'bulk-poll-in-progress.json', times: 1 },
      { method: 'GET', path: job, file: 'bulk-poll-complete.json' },
      { method: 'GET', path: `${job}/results`, when: (r) => r.query.locator === 'MTAwMDA', file: 'bulk-results-2.csv', headers: { 'content-type': 'text/csv', 'sforce-locator': 'null', 'sforce-numberofrecords': '1' } },
      { method: 'GET', path: `${job}/results`, file: 'bulk-results-1.csv', headers: { 'content-type': 'text/csv', 'sforce-locator': 'MTAwMDA', 'sforce-numberofrecords': '2' } },
    );
  });

  test('create, poll until JobComplete, CSV result sets paged by Sforce-Locator, rows loaded', async () => {
    const customer = await c.customer({}, secrets);
    const creates = c.server.sent(jobs).length;
    const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-02' }, undefined, 'opportunities_bulk');
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.recordsFetched).toBe(3);
    const rows = await c.rows('salesforce_opportunities', customer, 'id');
    expect(rows.map((r) => r.id)).toEqual(['006RO00000A1AAAYA3', '006RO00000A2AAAYA3', '006RO00000A3AAAYA3']);
    expect(rows[0]).toMatchObject({ stage_name: 'Closed Won', is_won: true, account_id: '001RO00000B1BBBYA3' });
    expect(rows[1].amount).toBeNull();
    expect(rows[2].name).toBe('Initech "pilot"');

    const created = c.server.sent(jobs).slice(creates);
    expect(created).toHaveLength(1); // one job, never a second
    expect(created[0].json).toMatchObject({ operation: 'query' });
    expect((created[0].json as { query: string }).query).toContain('FROM Opportunity WHERE SystemModstamp >= 2024-03-01T00:00:00Z');
    const results = c.server.sent(`${job}/results`);
    expect(results.at(-2)!.query).toEqual({ maxRecords: '50000' });
    expect(results.at(-1)!.query).toEqual({ maxRecords: '50000', locator: 'MTAwMDA' });
    // Bulk API 2.0 results are CSV: the step's Accept replaces DIF's default application/json.
    expect(results.slice(-2).map((r) => r.headers.accept)).toEqual(['text/csv', 'text/csv']);
    for (const value of Object.values(secrets)) expect(c.storedText()).not.toContain(value);
  });
});
