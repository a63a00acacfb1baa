import fs from 'node:fs';
import path from 'node:path';
import { checkVendorConfig } from '../../../core/validate';
import { deletesTargetOf } from '../../../core/delete-keys';
import { problemsOf } from '../helpers/config-problems';
import { deleteKeysPlan } from '../../../adapters/warehouse/delete-keys-plan';
import type { TableConfig } from '../../../core/config-schema';

const ZOO_DELETES = path.join(__dirname, '..', '..', 'fixtures', 'vendors', 'zoo-deletes', 'config.json');
const zooDeletes = () => JSON.parse(fs.readFileSync(ZOO_DELETES, 'utf8'));
const AT = '$.streams.deleted_contacts.table.load';

test('deleteKeys: the fixture is valid and names its target; a target is a stream of the config whose whole key the feed carries', () => {
  const config = zooDeletes();
  expect(() => checkVendorConfig(JSON.parse(JSON.stringify(config)), 'zoo-deletes')).not.toThrow();
  expect(deletesTargetOf(config, 'deleted_contacts')?.name).toBe('zoo_deletes_contacts');
  expect(deletesTargetOf(config, 'contacts')).toBeUndefined();

  const load = config.streams.deleted_contacts.table.load;
  load.target = 'leads';
  expect(problemsOf(config, 'zoo-deletes')).toEqual([
    { path: `${AT}.target`, message: '"leads" is not a stream of this config (streams: contacts, deleted_contacts, contacts_marked, deleted_contacts_marked)' },
  ]);
  load.target = 'deleted_contacts_marked';
  expect(problemsOf(config, 'zoo-deletes')).toEqual([
    { path: `${AT}.target`, message: 'stream "deleted_contacts_marked" is a deletes feed itself; the target is the stream whose rows the keys delete' },
  ]);
  delete load.target;
  expect(problemsOf(config, 'zoo-deletes')).toEqual([{ path: AT, message: 'missing required field "target": mode "deleteKeys" deletes the keys from that stream\'s table' }]);

  const wrongType = zooDeletes();
  wrongType.streams.deleted_contacts.table.columns[0].type = 'string';
  expect(problemsOf(wrongType, 'zoo-deletes')).toEqual([
    { path: '$.streams.deleted_contacts.table.columns', message: 'column "id" is of type string, but integer in stream "contacts"\'s table, whose key it is' },
  ]);
  const keyless = zooDeletes();
  keyless.streams.deleted_contacts.table.columns[0].name = 'contact_id';
  keyless.streams.deleted_contacts.table.primaryKey = ['contact_id'];
  expect(problemsOf(keyless, 'zoo-deletes')).toEqual([
    { path: '$.streams.deleted_contacts.table.columns', message: 'needs the column "id": it is part of the key of stream "contacts"\'s table' },
  ]);
  const stray = zooDeletes();
  stray.streams.contacts.table.load = { mode: 'merge', target: 'contacts' };
  stray.streams.deleted_contacts.table.load.softDelete = 'deleted_date';
  expect(problemsOf(stray, 'zoo-deletes')).toEqual([
    { path: '$.streams.contacts.table.load.target', message: 'goes with mode "deleteKeys" only' },
    { path: `${AT}.softDelete`, message: 'does not apply to mode "deleteKeys", which writes no rows of its own' },
  ]);
});

const feed: TableConfig = {
  name: 'contacts_deleted',
  primaryKey: ['id'],
  columns: [{ name: 'id', type: 'string' }, { name: 'deleted_date', type: 'timestamp' }],
  load: { mode: 'deleteKeys', target: 'contacts' },
};
const target: TableConfig = { name: 'contacts', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'archived', type: 'boolean' }] };

test('the plan: lock the target, stage the keys, delete by customer and key (or mark), audit the feed, in one transaction', () => {
  const steps = (dialect: 'postgres' | 'redshift', t: TableConfig) =>
    deleteKeysPlan(dialect, 'dif', feed, t, dialect === 'postgres' ? { kind: 'stdin' } : { kind: 'manifest', manifestUrl: 's3://b/m.json', iamRole: 'arn:r' });
  const pg = steps('postgres', target);
  expect(pg.map((s) => s.step)).toEqual(['begin', 'lock', 'stage', 'copy', 'delete', 'audit', 'audit', 'commit']);
  expect(pg[1].sql).toBe('LOCK TABLE "dif"."contacts" IN SHARE ROW EXCLUSIVE MODE');
  expect(pg[2].sql).toBe(
    'CREATE TEMP TABLE "dif_stage_contacts_deleted" ("id" text, "deleted_date" timestamp with time zone, "_dif_customer" text, "_dif_run_id" text, ' +
      '"_dif_extracted_at" timestamp with time zone) ON COMMIT DROP',
  );
  expect(pg[3].sql).toBe('COPY "dif_stage_contacts_deleted" ("id", "deleted_date", "_dif_customer", "_dif_run_id", "_dif_extracted_at") FROM STDIN WITH (FORMAT csv, HEADER true)');
  expect(pg[4]).toEqual({
    step: 'delete',
    counts: 'removed',
    sql: 'DELETE FROM "dif"."contacts" USING "dif_stage_contacts_deleted" s WHERE "dif"."contacts"."_dif_customer" = s."_dif_customer" AND "dif"."contacts"."id" = s."id"',
  });
  const marked = steps('redshift', { ...target, load: { mode: 'merge', softDelete: 'archived' } });
  expect(marked.map((s) => s.step)).toEqual(['begin', 'lock', 'stage', 'stage', 'copy', 'delete', 'audit', 'audit', 'commit']);
  expect(marked[1].sql).toBe('LOCK "dif"."contacts"');
  expect(marked[3].sql).toContain('CREATE TEMP TABLE "dif_stage_contacts_deleted" ("id" varchar(65535), "deleted_date" timestamptz,');
  expect(marked[4].sql).toMatch(/^COPY "dif_stage_contacts_deleted" .* FROM 's3:\/\/b\/m.json' IAM_ROLE 'arn:r'/);
  expect(marked[5].sql).toBe(
    'UPDATE "dif"."contacts" SET "_dif_deleted" = true FROM "dif_stage_contacts_deleted" s ' +
      'WHERE "dif"."contacts"."_dif_customer" = s."_dif_customer" AND "dif"."contacts"."id" = s."id" AND "dif"."contacts"."_dif_deleted" = false',
  );
});
