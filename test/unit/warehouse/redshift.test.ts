import { describeLoadErrors, LOAD_ERROR_QUERIES } from '../../../adapters/warehouse/redshift/load-errors';
import { manifestUrlOf } from '../../../adapters/warehouse/redshift/s3-stager';
import { connectionMode, redshiftSettings } from '../../../adapters/warehouse/redshift/settings';
import { createWarehouse, WAREHOUSES } from '../../../adapters/warehouse/registry';
import { loadSettings } from '../../../adapters/settings';
import type { TableConfig } from '../../../core/config-schema';

const table = { name: 'ads', primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }] } as TableConfig;
const part = (manifestUrl?: string) => ({ open: async () => { throw new Error('not read'); }, gzip: true, ...(manifestUrl ? { manifestUrl } : {}) });

test("a failed COPY's load errors name file, line, column and reason; both system views are asked for the session's last COPY", () => {
  expect(describeLoadErrors([])).toBeUndefined();
  expect(
    describeLoadErrors([
      { file: 's3://b/csv/r/part-00000.csv.gz', line: 17, column: 'spend', reason: 'Invalid digit, Value \'x\', Pos 0, Type: Decimal' },
      { file: 's3://b/csv/r/part-00001.csv.gz', line: 3, column: null, reason: 'Extra column(s) found' },
    ]),
  ).toBe(
    'Redshift rejected 2 row(s) of the COPY:\n' +
      "  s3://b/csv/r/part-00000.csv.gz line 17 column spend: Invalid digit, Value 'x', Pos 0, Type: Decimal\n" +
      '  s3://b/csv/r/part-00001.csv.gz line 3: Extra column(s) found',
  );
  expect(LOAD_ERROR_QUERIES[0]).toContain('FROM sys_load_error_detail WHERE query_id = pg_last_copy_id()');
  expect(LOAD_ERROR_QUERIES[1]).toContain('FROM stl_load_errors WHERE query = pg_last_copy_id()');
});

test('the COPY reads the one S3 manifest of the parts; parts outside S3 are refused with the setting to change', () => {
  expect(manifestUrlOf(table, [part('s3://b/csv/r/manifest.json'), part('s3://b/csv/r/manifest.json')])).toBe('s3://b/csv/r/manifest.json');
  expect(manifestUrlOf(table, [])).toBe('');
  expect(() => manifestUrlOf(table, [part('file:///tmp/objects/csv/r/manifest.json')])).toThrow(
    'table ads: Redshift COPYs its CSV parts from S3 through their manifest, but they are at file:///tmp/objects/csv/r/manifest.json; set DIF_OBJECT_STORE=s3',
  );
  expect(() => manifestUrlOf(table, [part()])).toThrow('but they are not in an object store');
});

test('connection by URL, provisioned IAM or Serverless IAM, and a clear message when neither is set', () => {
  expect(connectionMode(redshiftSettings({ DIF_REDSHIFT_URL: 'postgres://u:p@c.example:5439/dev' }))).toBe('url');
  expect(connectionMode(redshiftSettings({ DIF_REDSHIFT_HOST: 'c.example', DIF_REDSHIFT_CLUSTER_ID: 'c', DIF_REDSHIFT_DB_USER: 'dif' }))).toBe('cluster');
  expect(connectionMode(redshiftSettings({ DIF_REDSHIFT_HOST: 'w.example', DIF_REDSHIFT_WORKGROUP: 'wg' }))).toBe('serverless');
  expect(() => connectionMode(redshiftSettings({}))).toThrow('DIF_WAREHOUSE=redshift needs DIF_REDSHIFT_URL, or DIF_REDSHIFT_HOST with IAM');
  expect(() => connectionMode(redshiftSettings({ DIF_REDSHIFT_HOST: 'c.example' }))).toThrow('needs DIF_REDSHIFT_CLUSTER_ID and DIF_REDSHIFT_DB_USER');
  expect(redshiftSettings({}).port).toBe(5439);
});

test('the registry lists one line per warehouse', () => {
  expect(Object.keys(WAREHOUSES)).toEqual(['postgres', 'redshift']);
});

test('DIF_WAREHOUSE=redshift selects the Redshift warehouse (no connection until a load); an unknown name is refused', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { DIF_WAREHOUSE: 'redshift', DIF_REDSHIFT_URL: 'postgres://dif:secret@cluster.example:5439/dev', DIF_REDSHIFT_IAM_ROLE: 'arn:aws:iam::1:role/load' });
  try {
    const warehouse = createWarehouse(loadSettings());
    expect(warehouse.kind).toBe('redshift');
    expect(warehouse.endpoint()).toMatchObject({ name: 'redshift', address: 'cluster.example:5439' });
    await warehouse.close();
    delete process.env.DIF_REDSHIFT_IAM_ROLE;
    expect(() => createWarehouse(loadSettings())).toThrow('DIF_WAREHOUSE=redshift needs DIF_REDSHIFT_IAM_ROLE');
    expect(() => createWarehouse(loadSettings({ warehouse: 'snowflake' }))).toThrow('DIF_WAREHOUSE must be one of postgres, redshift, got "snowflake"');
  } finally {
    process.env = saved;
  }
});
