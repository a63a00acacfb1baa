/**
 * The load plan of a parent table and its child tables as SQL text: one transaction, the
 * locks parent first then children by name, every table staged before any write, the
 * children of the staged (and, with replaceWindow, the window's) parents deleted, children
 * inserted only with a staged parent; Redshift reads each table's own manifest.
 */
import { childTables } from '../../../core/child-tables';
import type { TableConfig } from '../../../core/config-schema';
import { familyLoadPlan } from '../../../adapters/warehouse/child-tables-plan';
import { loadPlan, type CopySource } from '../../../adapters/warehouse/table-plan';

const orders: TableConfig = {
  name: 'orders',
  primaryKey: ['id'],
  columns: [{ name: 'id', type: 'string' }, { name: 'day', type: 'date' }],
  children: [
    { name: 'order_refunds', from: 'record.refunds', parentKey: ['order_id'], primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] },
    { name: 'order_lines', from: 'record.lines', parentKey: ['order_id'], primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'integer' }] },
  ],
};
const manifestOf = (t: TableConfig): CopySource => ({ kind: 'manifest', manifestUrl: `s3://dif/csv/run/${t.name === 'orders' ? '' : `children/${t.name}/`}manifest.json`, iamRole: 'arn:aws:iam::1:role/load' });
const scope = { customer: 'c1', window: { from: '2024-03-01', to: '2024-03-02' } };
const steps = (plan: { step: string; table?: string }[]) => plan.map((s) => `${s.step}${s.table ? `:${s.table}` : ''}`);

test('Redshift, merge: locks in a fixed order, everything staged before any write, children replaced for the staged parents', () => {
  const plan = familyLoadPlan('redshift', 'dif', orders, childTables(orders), manifestOf, scope);
  expect(steps(plan)).toEqual([
    'begin', 'lock', 'lock:order_lines', 'lock:order_refunds',
    'stage', 'stage', 'copy', 'stage:order_lines', 'stage:order_lines', 'copy:order_lines', 'stage:order_refunds', 'stage:order_refunds', 'copy:order_refunds',
    'delete:order_lines', 'delete:order_refunds',
    'delete', 'insert',
    'insert:order_lines', 'insert:order_refunds',
    'audit', 'audit', 'audit:order_lines', 'audit:order_lines', 'audit:order_refunds', 'audit:order_refunds',
    'commit',
  ]);
  const of = (step: string) => plan.find((s) => steps([s])[0] === step)!.sql;
  expect(of('lock:order_lines')).toBe('LOCK "dif"."order_lines"');
  expect(plan.filter((s) => s.step === 'stage' && s.table === 'order_lines').map((s) => s.sql)).toEqual([
    'DROP TABLE IF EXISTS "dif_stage_order_lines"',
    'CREATE TEMP TABLE "dif_stage_order_lines" (LIKE "dif"."order_lines" INCLUDING DEFAULTS)',
  ]);
  expect(of('copy:order_lines')).toContain(`COPY "dif_stage_order_lines" ("order_id", "id", "qty", "_dif_customer", "_dif_run_id", "_dif_extracted_at") FROM 's3://dif/csv/run/children/order_lines/manifest.json'`);
  expect(of('delete:order_lines')).toBe(
    'DELETE FROM "dif"."order_lines" USING "dif_stage_orders" p WHERE "dif"."order_lines"."_dif_customer" = p."_dif_customer" AND "dif"."order_lines"."order_id" = p."id"',
  );
  expect(of('insert:order_lines')).toBe(
    'INSERT INTO "dif"."order_lines" ("order_id", "id", "qty", "_dif_customer", "_dif_run_id", "_dif_extracted_at") SELECT "order_id", "id", "qty", "_dif_customer", "_dif_run_id", "_dif_extracted_at" ' +
      'FROM (SELECT *, row_number() OVER (PARTITION BY "_dif_customer", "order_id", "id" ORDER BY "_dif_extracted_at" DESC) AS _dif_rank FROM "dif_stage_order_lines") s ' +
      'WHERE _dif_rank = 1 AND EXISTS (SELECT 1 FROM "dif_stage_orders" p WHERE s."_dif_customer" = p."_dif_customer" AND s."order_id" = p."id")',
  );
  for (const { sql } of plan) expect(sql).not.toMatch(/ON CONFLICT|ON COMMIT DROP|FROM STDIN|SHARE ROW EXCLUSIVE/);
  // The parent's own statements are those of its plan alone.
  const own = loadPlan('redshift', 'dif', orders, manifestOf(orders), scope);
  expect(plan.filter((s) => !s.table).map((s) => s.sql)).toEqual(own.map((s) => s.sql));
});

test('replaceWindow: the children of the parents in the window are deleted too, through the parent table', () => {
  const table = { ...orders, load: { mode: 'replaceWindow' as const, windowColumn: 'day' } };
  const plan = familyLoadPlan('postgres', 'dif', table, childTables(table), () => ({ kind: 'stdin' }), scope);
  const deletes = plan.filter((s) => s.step === 'delete' && s.table === 'order_lines').map((s) => s.sql);
  // The staged parents' children first (counted as replaced), then the window's others (removed).
  expect(deletes).toEqual([
    'DELETE FROM "dif"."order_lines" USING "dif_stage_orders" p WHERE "dif"."order_lines"."_dif_customer" = p."_dif_customer" AND "dif"."order_lines"."order_id" = p."id"',
    'DELETE FROM "dif"."order_lines" USING "dif"."orders" p WHERE "dif"."order_lines"."_dif_customer" = p."_dif_customer" AND "dif"."order_lines"."order_id" = p."id" ' +
      `AND p."_dif_customer" = 'c1' AND p."day" >= '2024-03-01' AND p."day" < '2024-03-03'`,
  ]);
  expect(plan.find((s) => s.step === 'lock')!.sql).toBe('LOCK TABLE "dif"."orders" IN SHARE ROW EXCLUSIVE MODE');
});

test('append: children inserted before the parent, only for parents not in the table yet; nothing deleted', () => {
  const table = { ...orders, load: { mode: 'append' as const } };
  const plan = familyLoadPlan('postgres', 'dif', table, childTables(table), () => ({ kind: 'stdin' }), scope);
  expect(steps(plan).filter((s) => /^(delete|insert)/.test(s))).toEqual(['insert:order_lines', 'insert:order_refunds', 'insert']);
  const lines = plan.find((s) => s.step === 'insert' && s.table === 'order_lines')!.sql;
  expect(lines).toContain('AND NOT EXISTS (SELECT 1 FROM "dif"."orders" p WHERE s."_dif_customer" = p."_dif_customer" AND s."order_id" = p."id")');
  expect(lines).toContain('AND NOT EXISTS (SELECT 1 FROM "dif"."order_lines" t WHERE t."_dif_customer" = s."_dif_customer" AND t."order_id" = s."order_id" AND t."id" = s."id")');
});

test('a table without children keeps its plan exactly', () => {
  const { children: _none, ...plain } = orders;
  expect(familyLoadPlan('postgres', 'dif', plain, [], () => ({ kind: 'stdin' }))).toEqual(loadPlan('postgres', 'dif', plain, { kind: 'stdin' }));
});
