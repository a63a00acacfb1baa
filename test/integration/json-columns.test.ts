/** A json column through the Postgres loader: created jsonb, its cells (JSON text in the CSV) stored as JSON values. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import { toCell } from '../../core/columns';
import type { TableConfig } from '../../core/config-schema';
import { TEST_POSTGRES_URL, uniqueName } from '../setup/test-settings';

const SCHEMA = 'dif_test_json_columns';
const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
afterAll(() => pool.end());

test('json values load as jsonb and read back equal; a later load replaces them', async () => {
  const table: TableConfig = { name: `t_${uniqueName('json').replace(/-/g, '_')}`, primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'targeting', type: 'json' }] };
  const values = { a: { geo: ['DE', 'FR'], note: 'comma, "quote"' }, b: [1, 2.5, null], c: 'plain' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-json-'));
  const file = path.join(dir, 'part.csv');
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  fs.writeFileSync(
    file,
    'id,targeting,_dif_customer,_dif_run_id,_dif_extracted_at\n' +
      Object.entries(values).map(([id, v]) => `${id},${quote(toCell(v, table.columns[1])!)},c1,r1,2026-01-01T00:00:00Z\n`).join('') +
      'd,,c1,r1,2026-01-01T00:00:00Z\n',
  );
  await postgresWarehouseOn(pool, SCHEMA).load(table, [{ open: async () => fs.createReadStream(file), gzip: false }]);
  const { rows } = await pool.query(`SELECT id, targeting, pg_typeof(targeting)::text AS type FROM ${SCHEMA}."${table.name}" ORDER BY id`);
  expect(rows).toEqual([
    { id: 'a', targeting: values.a, type: 'jsonb' },
    { id: 'b', targeting: values.b, type: 'jsonb' },
    { id: 'c', targeting: 'plain', type: 'jsonb' },
    { id: 'd', targeting: null, type: 'jsonb' },
  ]);
  fs.rmSync(dir, { recursive: true, force: true });
});
