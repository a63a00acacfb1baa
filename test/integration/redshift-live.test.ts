/**
 * Against a real Redshift, when DIF_TEST_REDSHIFT_URL is set (skipped otherwise): the S3
 * COPY from a manifest with the IAM role, the merge, and a failed COPY's load errors in the
 * message. Needs (README: "Loading into Redshift"):
 *   DIF_TEST_REDSHIFT_URL       postgres://user:password@cluster.region.redshift.amazonaws.com:5439/dev
 *   DIF_TEST_REDSHIFT_IAM_ROLE  a role the cluster may assume that reads the bucket
 *   DIF_TEST_REDSHIFT_BUCKET    an S3 bucket (AWS credentials from the usual chain, region DIF_TEST_REDSHIFT_REGION)
 */
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { S3ObjectStore } from '../../adapters/object-store/s3-object-store';
import { SqlWarehouse } from '../../adapters/warehouse/sql-warehouse';
import { s3ManifestStager } from '../../adapters/warehouse/redshift/s3-stager';
import { manifestOf } from '../../core/output-plan';
import type { TableConfig } from '../../core/config-schema';
import { uniqueName } from '../setup/test-settings';

const URL_SET = process.env.DIF_TEST_REDSHIFT_URL;
const live = URL_SET ? describe : describe.skip;

live('Redshift, live', () => {
  const region = process.env.DIF_TEST_REDSHIFT_REGION ?? 'us-east-1';
  const store = new S3ObjectStore({ bucket: process.env.DIF_TEST_REDSHIFT_BUCKET ?? '', region, forcePathStyle: false });
  const pool = new pg.Pool({ connectionString: URL_SET, ssl: { rejectUnauthorized: true }, max: 1 });
  const schema = 'dif_test_live';
  const redshift = new SqlWarehouse({
    kind: 'redshift', dialect: 'redshift', pool, schema,
    stager: s3ManifestStager({ iamRole: process.env.DIF_TEST_REDSHIFT_IAM_ROLE ?? '', region }),
    endpoint: { name: 'redshift', address: new URL(URL_SET ?? 'postgres://x').host, fix: '' },
  });
  afterAll(async () => {
    await pool.end();
    store.destroy();
  });
  const table: TableConfig = { name: `t_${uniqueName('live').replace(/-/g, '_')}`, primaryKey: ['id'], columns: [{ name: 'id', type: 'string' }, { name: 'n', type: 'integer' }] };

  async function partsOf(run: string, csv: string) {
    const prefix = `dif-test/${run}`;
    await store.put(`${prefix}/part-00000.csv.gz`, gzipSync(`id,n,_dif_customer,_dif_run_id,_dif_extracted_at\n${csv}`));
    await store.put(`${prefix}/manifest.json`, JSON.stringify(manifestOf(store.location, [`${prefix}/part-00000.csv.gz`])));
    return [{ open: async () => { throw new Error('Redshift reads the part itself'); }, gzip: true, manifestUrl: `${store.location}/${prefix}/manifest.json` }];
  }

  test('COPY from the S3 manifest, then merge: the latest extraction of each key', async () => {
    const run = uniqueName('r');
    await redshift.load(table, await partsOf(run, `a,1,c1,${run},2026-01-01T00:00:00Z\nb,1,c1,${run},2026-01-01T00:00:00Z\n`));
    const again = await redshift.load(table, await partsOf(`${run}b`, `a,2,c1,${run}b,2026-01-02T00:00:00Z\n`));
    expect(again).toEqual({ rowsStaged: 1, rowsInserted: 0, rowsReplaced: 1, rowsRemoved: 0 });
    const { rows } = await pool.query(`SELECT id, n FROM ${schema}."${table.name}" ORDER BY id`);
    expect(rows.map((r) => `${r.id}=${r.n}`)).toEqual(['a=2', 'b=1']);
  });

  test("a failed COPY names the part, line, column and Redshift's reason", async () => {
    const run = uniqueName('bad');
    await expect(redshift.load(table, await partsOf(run, `a,not-a-number,c1,${run},2026-01-03T00:00:00Z\n`))).rejects.toThrow(
      /Redshift rejected 1 row\(s\) of the COPY:\n {2}s3:\/\/.*part-00000\.csv\.gz line 2 column n: /,
    );
  });
});
