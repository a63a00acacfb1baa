/**
 * A process running DIF's loader is killed (SIGKILL) after its rows are staged and before
 * the merge: the server rolls the transaction back, so the table keeps exactly what it had,
 * the table lock is gone, and the next load of the same file lands each row once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import type { TableConfig } from '../../core/config-schema';
import { stagedLoader } from '../setup/staged-loader';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_crash';
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 3 });
afterAll(() => pool.end());

const HEADER = 'id,n,_dif_customer,_dif_run_id,_dif_extracted_at\n';

test('killing the loader between COPY and merge loses nothing and duplicates nothing', async () => {
  const table: TableConfig = { name: `t_${uniqueName('kill').replace(/-/g, '_')}`, primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'n', type: 'integer' }] };
  const loader = postgresWarehouseOn(pool, SCHEMA);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-kill-'));
  const first = path.join(dir, 'first.csv');
  const second = path.join(dir, 'second.csv');
  fs.writeFileSync(first, `${HEADER}a,1,c1,r1,2026-01-01T00:00:00Z\nb,1,c1,r1,2026-01-01T00:00:00Z\n`);
  fs.writeFileSync(second, `${HEADER}a,2,c1,r2,2026-01-02T00:00:00Z\nb,2,c1,r2,2026-01-02T00:00:00Z\nc,2,c1,r2,2026-01-02T00:00:00Z\n`);
  const csv = (file: string) => [{ open: async () => fs.createReadStream(file), gzip: false }];
  const rows = async () => (await pool.query(`SELECT id, n::int AS n FROM ${SCHEMA}."${table.name}" ORDER BY id`)).rows;

  await loader.load(table, csv(first));
  const before = await rows();

  const loading = await stagedLoader(SCHEMA, table, second);
  // Staged and holding the table lock: a reader still sees the old rows.
  expect(await rows()).toEqual(before);
  expect(await loading.kill()).toBe('SIGKILL');

  // The next load waits for the server to notice the dead session, then takes the lock.
  const result = await loader.load(table, csv(second));
  expect(result).toEqual({ rowsStaged: 3, rowsInserted: 1, rowsReplaced: 2, rowsRemoved: 0 });
  expect(before).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 1 }]);
  expect(await rows()).toEqual([{ id: 'a', n: 2 }, { id: 'b', n: 2 }, { id: 'c', n: 2 }]);
  fs.rmSync(dir, { recursive: true, force: true });
});
