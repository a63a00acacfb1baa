/**
 * Hard deletes from a vendor's deleted-records feed (core/delete-keys.ts), end to end: the
 * zoo's contacts and their feed in the shape of Salesforce's sObject Get Deleted
 * (test/mock-vendor/zoo/generic.ts). A `deleteKeys` stream deletes the keys it lists from its
 * target's table, only the run's customer's rows, and marks them `_dif_deleted` instead when
 * the target keeps soft deletes; a re-run changes nothing more; the feed's own table is
 * never created.
 */
import pg from 'pg';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';
import { TEST_POSTGRES_URL } from '../setup/test-settings';

const SCHEMA = 'dif_test_delete_keys';
let h: ZooHarness;
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });

beforeAll(async () => {
  h = await startZooHarness('delete-keys', { contacts: { records: 6 } }, { warehouseSchema: SCHEMA });
});
afterAll(async () => {
  await h?.shutdown();
  await pool.end();
});

/** Deleted on 2024-01-02, in the run's window: two contacts the table holds, one it never had. */
const DELETED = [
  { id: 10_002, deletedDate: '2024-01-02T10:00:00.000+0000' },
  { id: 10_005, deletedDate: '2024-01-02T11:30:00.000+0000' },
  { id: 99_999, deletedDate: '2024-01-02T12:00:00.000+0000' },
];

async function rowsOf(table: string, customer: string, marked = false): Promise<string[]> {
  const { rows } = await pool.query(
    `SELECT id::int AS id${marked ? ', "_dif_deleted" AS deleted' : ''} FROM ${SCHEMA}."${table}" WHERE "_dif_customer" = $1 ORDER BY id`,
    [customer],
  );
  return rows.map((r) => (marked ? `${r.id}${r.deleted ? ' deleted' : ''}` : String(r.id)));
}

const IDS = ['10001', '10002', '10003', '10004', '10005', '10006'];

test('a deleted-records feed deletes its keys from the target table, only the run customer\'s rows, once', async () => {
  h.zoo.configure({ contacts: { deleted: [] } });
  const [c1, c2] = [await h.customerFor('zoo-deletes'), await h.customerFor('zoo-deletes')];
  for (const c of [c1, c2]) expect((await h.ingest('zoo-deletes', c, undefined, { stream: 'contacts' })).status).toBe('COMPLETED');
  expect(await rowsOf('zoo_deletes_contacts', c1)).toEqual(IDS);

  h.zoo.configure({ contacts: { deleted: DELETED } });
  const outcome = await h.ingest('zoo-deletes', c1, undefined, { stream: 'deleted_contacts' });
  expect(outcome.error).toBeUndefined();
  expect(outcome.recordsFetched).toBe(3);
  expect(outcome.summary?.rowsRemoved).toBe(2);
  expect(await rowsOf('zoo_deletes_contacts', c1)).toEqual(['10001', '10003', '10004', '10006']);
  // Another customer's rows with the same keys stay.
  expect(await rowsOf('zoo_deletes_contacts', c2)).toEqual(IDS);
  // The same feed again: nothing more to delete.
  const again = await h.ingest('zoo-deletes', c1, undefined, { stream: 'deleted_contacts' });
  expect(again.status).toBe('COMPLETED');
  expect(again.summary?.rowsRemoved ?? 0).toBe(0); // the summary leaves a zero out
  expect(await rowsOf('zoo_deletes_contacts', c1)).toEqual(['10001', '10003', '10004', '10006']);
  // The feed has no table of its own.
  const { rows } = await pool.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [SCHEMA, 'zoo_deletes_contacts_deleted']);
  expect(rows).toEqual([]);
});

test('into a target with softDelete, the feed marks the rows `_dif_deleted` and keeps them', async () => {
  h.zoo.configure({ contacts: { deleted: [] } });
  const customer = await h.customerFor('zoo-deletes');
  expect((await h.ingest('zoo-deletes', customer, undefined, { stream: 'contacts_marked' })).status).toBe('COMPLETED');
  expect(await rowsOf('zoo_deletes_contacts_marked', customer, true)).toEqual(IDS);

  h.zoo.configure({ contacts: { deleted: DELETED } });
  const outcome = await h.ingest('zoo-deletes', customer, undefined, { stream: 'deleted_contacts_marked' });
  expect(outcome.error).toBeUndefined();
  expect(outcome.summary?.rowsRemoved).toBe(2);
  expect(await rowsOf('zoo_deletes_contacts_marked', customer, true)).toEqual(['10001', '10002 deleted', '10003', '10004', '10005 deleted', '10006']);
});
