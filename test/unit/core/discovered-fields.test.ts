/**
 * Discovered fields (core/discovered-fields.ts): column names from vendor field names
 * (hostile ones quoted, reserved and colliding ones refused), the type mapping, the
 * policy, and what `dif validate` says of a broken `discover` block, by JSON path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { columnNameOf, discoveredColumns, DiscoveredFieldError, fieldSource, FrozenFieldsError, underPolicy, withDiscoveredColumns } from '../../../core/discovered-fields';
import { parsePath } from '../../../core/source-path';
import { addColumnSql } from '../../../adapters/warehouse/table-plan';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const HUBSPOT_TYPES = { string: 'string', number: 'decimal', date: 'date', datetime: 'timestamp', enumeration: 'string', bool: 'boolean' } as const;
const SALESFORCE_TYPES = { string: 'string', double: 'decimal', currency: 'decimal', percent: 'decimal', int: 'integer', date: 'date', datetime: 'timestamp', boolean: 'boolean', picklist: 'string', id: 'string', reference: 'string' } as const;

test.each([
  ['acme_score', 'acme_score'],
  ['Churn_Risk__c', 'churn_risk_c'],
  ['Amount (EUR)', 'amount_eur'],
  ['2nd_touch', 'f_2nd_touch'],
  ['__proto__', 'proto'],
  ['_dif_customer', 'dif_customer'],
  ['a"; DROP TABLE x; --', 'a_drop_table_x'],
  ['x'.repeat(80), 'x'.repeat(63)],
])('field %p is column %p', (field, column) => {
  expect(columnNameOf(field)).toBe(column);
});

test('a name with no letter or digit is refused, naming the field', () => {
  expect(columnNameOf('---')).toBeUndefined();
  expect(() => discoveredColumns([{ field: '🙂', vendorType: 'string' }], { types: HUBSPOT_TYPES }, [])).toThrow(/the field "🙂" has no letter or digit/);
});

test('vendor types map to column types; an unlisted type is kept as text', () => {
  const listed = [
    { field: 'Amount__c', vendorType: 'currency' }, { field: 'Seats__c', vendorType: 'int' }, { field: 'Signed__c', vendorType: 'boolean' },
    { field: 'Region__c', vendorType: 'picklist' }, { field: 'Location__c', vendorType: 'location' },
  ];
  expect(discoveredColumns(listed, { types: SALESFORCE_TYPES }, []).map((c) => [c.name, c.type])).toEqual([
    ['amount_c', 'decimal'], ['seats_c', 'integer'], ['signed_c', 'boolean'], ['region_c', 'string'], ['location_c', 'string'],
  ]);
  // `constructor` is no type a map holds by accident.
  expect(discoveredColumns([{ field: 'x', vendorType: 'constructor' }], { types: HUBSPOT_TYPES }, [])[0].type).toBe('string');
});

test('declared columns win; two fields with one column name fail naming both', () => {
  expect(discoveredColumns([{ field: 'email', vendorType: 'string' }, { field: 'score', vendorType: 'number' }], { types: HUBSPOT_TYPES }, ['id', 'email']).map((c) => c.name)).toEqual(['score']);
  expect(() => discoveredColumns([{ field: 'Region__c', vendorType: 'string' }, { field: 'region_c', vendorType: 'string' }], { types: HUBSPOT_TYPES }, [])).toThrow(
    /the fields "Region__c" and "region_c" would both be column "region_c"/,
  );
  expect(() => discoveredColumns([{ field: 42, vendorType: 'string' }], { types: HUBSPOT_TYPES }, [])).toThrow(DiscoveredFieldError);
});

describe('policy', () => {
  const columns = discoveredColumns([{ field: 'a', vendorType: 'string' }, { field: 'b', vendorType: 'number' }], { types: HUBSPOT_TYPES }, []);
  test('no table yet: every field', () => {
    for (const policy of ['evolve', 'freeze', 'ignore'] as const) expect(underPolicy(columns, undefined, policy).keep).toHaveLength(2);
  });
  test('a field the table lacks: evolve keeps it, freeze fails naming it, ignore drops it', () => {
    const existing = new Set(['id', 'a']);
    expect(underPolicy(columns, existing, 'evolve')).toEqual({ keep: columns, dropped: [] });
    expect(() => underPolicy(columns, existing, 'freeze')).toThrow(FrozenFieldsError);
    expect(() => underPolicy(columns, existing, 'freeze')).toThrow(/new field "b" \(column b, decimal\) not in the table, and the policy is freeze/);
    expect(underPolicy(columns, existing, 'ignore')).toEqual({ keep: [columns[0]], dropped: [columns[1]] });
  });
});

test('a hostile field name is read as one key of a plain path, never evaluated, and quoted in SQL', () => {
  const hostile = 'x"] + process.exit(1) + record["y';
  const source = fieldSource('record.properties', hostile);
  expect(parsePath(source, ['record'])!.keys).toEqual(['properties', hostile]);
  const table = withDiscoveredColumns({ name: 't', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] }, 'record', [{ field: hostile, name: columnNameOf(hostile)!, type: 'string', vendorType: 'string' }]);
  expect(table.columns.map((c) => c.name)).toEqual(['id', 'x_process_exit_1_record_y']);
  expect(addColumnSql('dif', 't', { name: 'we"ird', type: 'decimal' })).toBe('ALTER TABLE "dif"."t" ADD COLUMN IF NOT EXISTS "we""ird" numeric');
  expect(addColumnSql('dif', 't', { name: 'score', type: 'decimal' }, 'redshift')).toBe('ALTER TABLE "dif"."t" ADD COLUMN "score" decimal(38,10)');
  expect(addColumnSql('dif', 't', { name: 'note', type: 'string' }, 'redshift')).toBe('ALTER TABLE "dif"."t" ADD COLUMN "note" varchar(65535)');
});

describe('validation', () => {
  const AT = '$.streams.campaign_daily.discover';
  const good = { request: { path: '/v1/fields' }, fields: 'response.fields', name: 'field.name', type: 'field.type', types: { text: 'string' }, values: 'record', policy: 'evolve' };
  const withDiscover = (discover: Record<string, unknown>) => {
    const c = demoConfig();
    c.streams.campaign_daily.discover = discover;
    return c;
  };
  test('a good block validates', () => {
    expect(() => validateVendorConfig(withDiscover(good), 'x.json')).not.toThrow();
  });
  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a name that is no path', { ...good, name: 'field.name + 1' }, `${AT}.name`, /not a plain path from field/],
    ['a type path from record', { ...good, type: 'record.type' }, `${AT}.type`, /not a plain path from field/],
    ['values from elsewhere', { ...good, values: 'response.x' }, `${AT}.values`, /not a plain path from record/],
    ['an unknown policy', { ...good, policy: 'grow' }, `${AT}.policy`, /.+/],
    ['an unknown column type', { ...good, types: { text: 'varchar' } }, `${AT}.types.text`, /.+/],
    ['a request going nowhere', { ...good, request: { method: 'GET' } }, `${AT}.request`, /needs a "path"/],
    ['a bad expression', { ...good, fields: 'response.(' }, `${AT}.fields`, /.+/],
  ])('%s is named at its path', (_, discover, path, message) => {
    const problems = problemsOf(withDiscover(discover));
    expect(problems.map((p) => p.path)).toContain(path);
    expect(problems.find((p) => p.path === path)!.message).toMatch(message);
  });
  test('the first step must be single or paginated', () => {
    const c = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'sftp-daily-orders', 'config.json'), 'utf8'));
    const [name, stream] = Object.entries(c.streams)[0] as [string, any];
    stream.discover = good;
    expect(problemsOf(c)).toContainEqual({ path: `$.streams.${name}.discover`, message: expect.stringMatching(/must be single or paginated, not files/) });
  });
});

test('`discovered` outside the steps of a stream with discover is named by its path', () => {
  const c = demoConfig();
  c.streams.campaign_daily.steps[0].request.query.fields = '${discovered.join(",")}';
  expect(problemsOf(c)).toContainEqual({ path: '$.streams.campaign_daily.steps[0].request.query.fields', message: expect.stringMatching(/`discovered` .* exists only in the steps of a stream with a `discover` block/) });
  // A field of that name, or a parameter, is not the variable.
  const fine = demoConfig();
  fine.streams.campaign_daily.steps[0].request.query.fields = '${[{ discovered: 1 }].map((discovered) => discovered.discovered).join(",")}';
  expect(() => validateVendorConfig(fine, 'x.json')).not.toThrow();
  const withIt = demoConfig();
  withIt.streams.campaign_daily.discover = { request: { path: '/v1/fields' }, fields: 'response.fields', name: 'field.name', type: 'field.type', types: {}, values: 'record', policy: 'evolve' };
  withIt.streams.campaign_daily.steps[0].request.query.fields = '${discovered.join(",")}';
  expect(() => validateVendorConfig(withIt, 'x.json')).not.toThrow();
});
