import { createTableSql, varcharLength } from '../../../adapters/warehouse/table-plan';
import { changeSql, evolutionPlan, type ExistingColumn } from '../../../adapters/warehouse/table-evolution';
import { TableShapeError } from '../../../core/errors';
import type { TableConfig } from '../../../core/config-schema';

const table: Pick<TableConfig, 'name' | 'columns'> = {
  name: 'ads',
  columns: [
    { name: 'id', type: 'string' },
    { name: 'clicks', type: 'integer' },
    { name: 'spend', type: 'decimal' },
    { name: 'day', type: 'date' },
  ],
};
const have = (entries: [string, string, number?][]) => new Map<string, ExistingColumn>(entries.map(([n, t, l]) => [n, { dataType: t, length: l ?? null }]));

test('Postgres: integer → bigint and bigint → numeric and varchar → text are widened; a new column is added', () => {
  const changes = evolutionPlan('postgres', 'dif', table, have([['id', 'character varying', 20], ['clicks', 'integer'], ['spend', 'bigint']]));
  expect(changes).toEqual([
    { kind: 'widen', column: 'id', from: 'character varying(20)', to: 'text' },
    { kind: 'widen', column: 'clicks', from: 'integer', to: 'bigint' },
    { kind: 'widen', column: 'spend', from: 'bigint', to: 'numeric' },
    { kind: 'add', column: 'day', to: 'date' },
  ]);
  expect(changes.map((c) => changeSql('postgres', 'dif', 'ads', c))).toEqual([
    'ALTER TABLE "dif"."ads" ALTER COLUMN "id" TYPE text',
    'ALTER TABLE "dif"."ads" ALTER COLUMN "clicks" TYPE bigint',
    'ALTER TABLE "dif"."ads" ALTER COLUMN "spend" TYPE numeric',
    'ALTER TABLE "dif"."ads" ADD COLUMN IF NOT EXISTS "day" date',
  ]);
});

test('a column wider than the config asks for is left alone; the same table gives no change', () => {
  expect(evolutionPlan('postgres', 'dif', table, have([['id', 'text'], ['clicks', 'numeric'], ['spend', 'numeric'], ['day', 'date']]))).toEqual([]);
  expect(evolutionPlan('redshift', 'dif', table, have([['id', 'character varying', 65535], ['clicks', 'bigint'], ['spend', 'numeric'], ['day', 'date']]))).toEqual([]);
});

test('anything but a widening is refused, every such column named, before any change', () => {
  const plan = () => evolutionPlan('postgres', 'dif', table, have([['id', 'bigint'], ['clicks', 'text'], ['spend', 'numeric']]));
  expect(plan).toThrow(TableShapeError);
  expect(plan).toThrow(
    'table dif.ads: column id is bigint but the config says string (text), which is not a widening; ' +
      'column clicks is text but the config says integer (bigint), which is not a widening; change the table by hand or rename the column: nothing was changed or loaded',
  );
});

test('Redshift widens varchar lengths in place and refuses number widenings it cannot do', () => {
  const [widen] = evolutionPlan('redshift', 'dif', table, have([['id', 'character varying', 256], ['clicks', 'bigint'], ['spend', 'numeric'], ['day', 'date']]));
  expect(changeSql('redshift', 'dif', 'ads', widen)).toBe('ALTER TABLE "dif"."ads" ALTER COLUMN "id" TYPE varchar(65535)');
  const [number] = evolutionPlan('redshift', 'dif', table, have([['id', 'character varying', 65535], ['clicks', 'integer'], ['spend', 'numeric'], ['day', 'date']]));
  expect(() => changeSql('redshift', 'dif', 'ads', number)).toThrow('table dif.ads: column clicks would widen from integer to bigint, which Redshift cannot do in place');
});

test("Redshift strings are sized from the load's longest value: the next power of two, at least 256, at most 65535; widened when a load needs more", () => {
  expect([0, 1, 255, 256, 257, 40_000, 70_000].map(varcharLength)).toEqual([256, 256, 256, 256, 512, 65535, 65535]);
  const full: TableConfig = { ...table, primaryKey: ['id'] } as TableConfig;
  expect(createTableSql('dif', full, 'redshift', { id: 300 })).toContain('"id" varchar(512) NOT NULL');
  expect(createTableSql('dif', full, 'redshift')).toContain('"id" varchar(65535) NOT NULL');
  const existing = have([['id', 'character varying', 512], ['clicks', 'bigint'], ['spend', 'numeric'], ['day', 'date']]);
  expect(evolutionPlan('redshift', 'dif', table, existing, { id: 500 })).toEqual([]);
  expect(evolutionPlan('redshift', 'dif', table, existing, { id: 513 })).toEqual([{ kind: 'widen', column: 'id', from: 'character varying(512)', to: 'varchar(1024)' }]);
  // Without the load's widths, a short varchar is widened to the widest: nothing it could hold is refused.
  expect(evolutionPlan('redshift', 'dif', table, existing)).toEqual([{ kind: 'widen', column: 'id', from: 'character varying(512)', to: 'varchar(65535)' }]);
});
