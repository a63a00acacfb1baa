/** Columns of type json: their CSV cell is the value's JSON text; Postgres jsonb, Redshift SUPER; never a key. */
import fs from 'node:fs';
import path from 'node:path';
import { toCell } from '../../../core/columns';
import { createTableSql } from '../../../adapters/warehouse/table-plan';
import { evolutionPlan, type ExistingColumn } from '../../../adapters/warehouse/table-evolution';
import { problemsOf } from '../helpers/config-problems';
import { checkVendorConfig } from '../../../core/validate';
import type { TableConfig } from '../../../core/config-schema';

const table: TableConfig = {
  name: 'ads',
  primaryKey: ['id'],
  columns: [{ name: 'id', type: 'string' }, { name: 'targeting', type: 'json' }],
};

test('a json cell is the JSON text of any value; an absent one is empty', () => {
  const column = table.columns[1];
  expect(toCell({ geo: ['DE', 'FR'], age: { min: 18 } }, column)).toBe('{"geo":["DE","FR"],"age":{"min":18}}');
  expect(toCell([1, 'a'], column)).toBe('[1,"a"]');
  expect(toCell('plain', column)).toBe('"plain"');
  expect(toCell(false, column)).toBe('false');
  expect(toCell(null, column)).toBeNull();
});

test('Postgres creates jsonb, Redshift SUPER; a table without the column gets it added in that type', () => {
  expect(createTableSql('dif', table)).toContain('"targeting" jsonb,');
  expect(createTableSql('dif', table, 'redshift')).toContain('"targeting" super,');
  const existing = new Map<string, ExistingColumn>([['id', { dataType: 'character varying', length: 65535 }]]);
  expect(evolutionPlan('redshift', 'dif', table, existing)).toEqual([{ kind: 'add', column: 'targeting', to: 'super' }]);
  // Already there, as each warehouse reports it: no change.
  expect(evolutionPlan('redshift', 'dif', table, new Map([...existing, ['targeting', { dataType: 'super', length: null }]]))).toEqual([]);
  expect(evolutionPlan('postgres', 'dif', table, new Map([['id', { dataType: 'text', length: null }], ['targeting', { dataType: 'jsonb', length: null }]]))).toEqual([]);
});

test('a json column is refused in the key, in dedupBy and with a format', () => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'vendors', 'zoo-contacts', 'config.json'), 'utf8'));
  const t = config.streams.contacts.table;
  t.columns.push({ name: 'tags', type: 'json' });
  expect(() => checkVendorConfig(JSON.parse(JSON.stringify(config)), 'zoo-contacts')).not.toThrow();
  t.primaryKey = ['id', 'tags'];
  t.load = { mode: 'merge', dedupBy: 'tags' };
  t.columns[2].format = 'iso';
  expect(problemsOf(config, 'zoo-contacts')).toEqual([
    { path: '$.streams.contacts.table.primaryKey[1]', message: '"tags" is a json column, which cannot be part of a key' },
    { path: '$.streams.contacts.table.columns[2].format', message: 'format "iso" does not apply to a json column' },
    { path: '$.streams.contacts.table.load.dedupBy', message: '"tags" is part of the key: every copy of a key has the same value' },
  ]);
  t.primaryKey = ['id'];
  delete t.columns[2].format;
  expect(problemsOf(config, 'zoo-contacts')).toEqual([{ path: '$.streams.contacts.table.load.dedupBy', message: 'column "tags" is of type json, which does not say which copy is newer' }]);
});
