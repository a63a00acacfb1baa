/** The static kind end to end: records written in the config are loaded like fetched ones. */
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';

let h: ZooHarness;
beforeAll(async () => {
  h = await startZooHarness('static-kind');
});
afterAll(() => h?.shutdown());

test('a static step loads its records', async () => {
  const customer = await h.customerFor('zoo-static');
  const outcome = await h.ingest('zoo-static', customer);
  expect(outcome.status).toBe('COMPLETED');
  const { rows } = await h.runtime.postgres.query('SELECT id, type FROM dif_test.zoo_report_types WHERE _dif_customer = $1 ORDER BY id', [customer]);
  // bigint comes back as text
  expect(rows).toEqual([{ id: '1', type: 'campaign' }, { id: '2', type: 'ad' }]);
});
