import { firstLoadPlan } from '../../../adapters/warehouse/first-load';
import type { TableConfig } from '../../../core/config-schema';

const table: TableConfig = { name: 'orders', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'n', type: 'integer' }] };
const scope = { customer: "o'brien", window: { from: '2024-03-01', to: '2024-03-02' } };

test('the first-load path is planned only for a Postgres merge of a table without children, for a known customer', () => {
  const plan = firstLoadPlan('postgres', 'dif', table, [], scope);
  expect(plan?.copy).toBe('COPY "dif"."orders" ("id", "n", "_dif_customer", "_dif_run_id", "_dif_extracted_at") FROM STDIN WITH (FORMAT csv, HEADER true)');
  // The customer and the key reach the probe as parameters, never spliced into its text.
  expect(plan?.probe.values).toEqual(["o'brien", '"dif"."orders"', ['_dif_customer', 'id']]);
  expect(plan?.probe.sql).not.toContain('brien');
  expect(firstLoadPlan('redshift', 'dif', table, [], scope)).toBeUndefined();
  expect(firstLoadPlan('postgres', 'dif', table, [{ ...table, name: 'lines' }], scope)).toBeUndefined();
  expect(firstLoadPlan('postgres', 'dif', table, [], undefined)).toBeUndefined();
  expect(firstLoadPlan('postgres', 'dif', { ...table, load: { mode: 'merge' } }, [], scope)).toBeDefined();
});
