import fs from 'node:fs';
import path from 'node:path';
import { checkVendorConfig } from '../../../core/validate';
import { problemsOf } from '../helpers/config-problems';
import { createTableSql, deletedMark, loadPlan } from '../../../adapters/warehouse/table-plan';
import type { TableConfig } from '../../../core/config-schema';

const GOOGLE_ADS = path.join(__dirname, '..', '..', '..', 'vendors', 'google-ads', 'config.json');
const googleAds = () => JSON.parse(fs.readFileSync(GOOGLE_ADS, 'utf8'));

test('load.softDelete: a boolean, date or timestamp column of the table, outside the key', () => {
  const config = googleAds();
  const table = config.streams.campaign_daily.table;
  const at = '$.streams.campaign_daily.table.load.softDelete';
  table.columns.push({ name: 'removed', type: 'boolean', source: 'record.removed' });
  table.load = { ...table.load, softDelete: 'removed' };
  expect(() => checkVendorConfig(JSON.parse(JSON.stringify(config)), 'google-ads')).not.toThrow();
  table.load = { ...table.load, softDelete: 'archived' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: at, message: '"archived" is not one of the table\'s columns' }]);
  table.load = { ...table.load, softDelete: 'date' };
  expect(problemsOf(config, 'google-ads')).toEqual([{ path: at, message: '"date" is part of the key; a deleted record keeps its key' }]);
  table.load = { ...table.load, softDelete: 'clicks' };
  expect(problemsOf(config, 'google-ads')).toEqual([
    { path: at, message: 'column "clicks" is of type integer; a soft-delete field is a boolean (true when deleted) or a date or timestamp (set when deleted)' },
  ]);
});

test('the mark: a boolean says it, a timestamp is set when deleted; the table gets _dif_deleted and every insert writes it', () => {
  const table: TableConfig = {
    name: 'contacts',
    primaryKey: ['id'],
    columns: [{ name: 'id', type: 'string' }, { name: 'archived', type: 'boolean' }, { name: 'deleted_at', type: 'timestamp' }],
    load: { mode: 'merge', softDelete: 'archived' },
  };
  expect(deletedMark(table)).toBe('COALESCE("archived", false)');
  expect(deletedMark({ ...table, load: { mode: 'merge', softDelete: 'deleted_at' } })).toBe('("deleted_at" IS NOT NULL)');
  expect(deletedMark({ ...table, load: { mode: 'merge' } })).toBeUndefined();
  expect(createTableSql('dif', table, 'redshift')).toContain('"_dif_deleted" boolean NOT NULL DEFAULT false');
  for (const mode of ['merge', 'append'] as const) {
    const insert = loadPlan('redshift', 'dif', { ...table, load: { mode, softDelete: 'archived' } }, { kind: 'stdin' }).find((s) => s.step === 'insert')!.sql;
    expect(insert).toMatch(/^INSERT INTO "dif"."contacts" \(.*"_dif_extracted_at", "_dif_deleted"\) SELECT .*"_dif_extracted_at", COALESCE\("archived", false\) FROM/);
  }
});
