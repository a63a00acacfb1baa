/**
 * The load plan as SQL text, in both dialects from the same code. Postgres runs it in the
 * integration tests; Redshift is checked here, statement by statement.
 */
import type { TableConfig } from '../../../core/config-schema';
import { createAuditTableSql, createTableSql, loadPlan } from '../../../adapters/warehouse/table-plan';
import type pg from 'pg';
import { isServerless, SLICE_COUNT_SQL, sliceCount } from '../../../adapters/warehouse/redshift/slices';
import { redshiftSettings } from '../../../adapters/warehouse/redshift/settings';
import { SqlWarehouse } from '../../../adapters/warehouse/sql-warehouse';
import { stdinStager } from '../../../adapters/warehouse/postgres/stdin-stager';

const table: TableConfig = {
  name: 'ads_daily',
  primaryKey: ['campaign_id', 'date'],
  columns: [
    { name: 'campaign_id', type: 'string', nullable: false },
    { name: 'date', type: 'date' },
    { name: 'spend', type: 'decimal' },
  ],
};
const manifest = { kind: 'manifest' as const, manifestUrl: 's3://dif/csv/x/manifest.json', iamRole: 'arn:aws:iam::123456789012:role/dif-load', region: 'eu-west-1' };

test('Redshift: lock, stage, COPY from the manifest with the IAM role, dedup merge, audit, in one transaction', () => {
  const plan = loadPlan('redshift', 'dif', table, manifest);
  expect(plan.map((s) => s.step)).toEqual(['begin', 'lock', 'stage', 'stage', 'copy', 'delete', 'insert', 'audit', 'audit', 'commit']);
  const sql = Object.fromEntries(plan.filter((s) => s.step !== 'audit').map((s) => [s.step, s.sql]));
  expect(sql.lock).toBe('LOCK "dif"."ads_daily"');
  // A pooled Redshift session keeps its temporary tables: the last load's goes first.
  expect(plan.filter((s) => s.step === 'stage').map((s) => s.sql)).toEqual([
    'DROP TABLE IF EXISTS "dif_stage_ads_daily"',
    'CREATE TEMP TABLE "dif_stage_ads_daily" (LIKE "dif"."ads_daily" INCLUDING DEFAULTS)',
  ]);
  expect(sql.copy).toBe(
    'COPY "dif_stage_ads_daily" ("campaign_id", "date", "spend", "_dif_customer", "_dif_run_id", "_dif_extracted_at") ' +
      "FROM 's3://dif/csv/x/manifest.json' IAM_ROLE 'arn:aws:iam::123456789012:role/dif-load' REGION 'eu-west-1' " +
      "MANIFEST FORMAT AS CSV GZIP IGNOREHEADER 1 EMPTYASNULL TIMEFORMAT 'auto' DATEFORMAT 'auto' COMPUPDATE OFF STATUPDATE OFF",
  );
  expect(sql.delete).toBe(
    'DELETE FROM "dif"."ads_daily" USING "dif_stage_ads_daily" s WHERE "dif"."ads_daily"."_dif_customer" = s."_dif_customer" ' +
      'AND "dif"."ads_daily"."campaign_id" = s."campaign_id" AND "dif"."ads_daily"."date" = s."date"',
  );
  expect(sql.insert).toContain('row_number() OVER (PARTITION BY "_dif_customer", "campaign_id", "date" ORDER BY "_dif_extracted_at" DESC)');
  expect(sql.insert).toContain('WHERE _dif_rank = 1');
  const audit = plan.filter((s) => s.step === 'audit').map((s) => s.sql);
  expect(audit[0]).toBe('DELETE FROM "dif"."dif_load_audit" WHERE run_id = $1 AND table_name = $2');
  expect(audit[1]).toMatch(/^INSERT INTO "dif"."dif_load_audit" \(run_id, table_name, .*rows_staged, rows_inserted, rows_replaced, rows_rejected, duration_ms\) VALUES \(\$1, .*\$13\)$/);
  // Nothing Redshift lacks.
  for (const { sql: s } of plan) expect(s).not.toMatch(/ON CONFLICT|ON COMMIT DROP|FROM STDIN|SHARE ROW EXCLUSIVE/);
});

test('Postgres differs only where it must: the lock mode, the staging table, COPY FROM STDIN, the last copy of a key winning', () => {
  const pg = loadPlan('postgres', 'dif', table, { kind: 'stdin' });
  // Without Redshift's drop of a staging table left in a pooled session, the plans align statement by statement.
  const rs = loadPlan('redshift', 'dif', table, manifest).filter((s) => !s.sql.startsWith('DROP TABLE'));
  const differ = pg.filter((s, i) => s.sql !== rs[i].sql).map((s) => s.step);
  expect(differ).toEqual(['lock', 'stage', 'copy', 'insert']);
  expect(pg.find((s) => s.step === 'insert')!.sql).toContain('ORDER BY "_dif_extracted_at" DESC, ctid DESC)');
  expect(rs.find((s) => s.step === 'insert')!.sql).toContain('ORDER BY "_dif_extracted_at" DESC)');
  expect(pg[3].sql).toBe(
    'COPY "dif_stage_ads_daily" ("campaign_id", "date", "spend", "_dif_customer", "_dif_run_id", "_dif_extracted_at") FROM STDIN WITH (FORMAT csv, HEADER true)',
  );
});

test("with the run's scope, the key delete reads only the run's customer's rows (both dialects alike)", () => {
  const scope = { customer: "o'brien", window: { from: '2026-01-01', to: '2026-01-31' } };
  for (const dialect of ['postgres', 'redshift'] as const) {
    const del = loadPlan(dialect, 'dif', table, dialect === 'postgres' ? { kind: 'stdin' } : manifest, scope).find((s) => s.step === 'delete')!.sql;
    expect(del).toBe(
      'DELETE FROM "dif"."ads_daily" USING "dif_stage_ads_daily" s WHERE "dif"."ads_daily"."_dif_customer" = \'o\'\'brien\' ' +
        'AND "dif"."ads_daily"."_dif_customer" = s."_dif_customer" AND "dif"."ads_daily"."campaign_id" = s."campaign_id" AND "dif"."ads_daily"."date" = s."date"',
    );
  }
});

test('Redshift table types are bounded; the key is declared for the planner', () => {
  const sql = createTableSql('dif', table, 'redshift');
  expect(sql).toContain('"campaign_id" varchar(65535) NOT NULL');
  expect(sql).toContain('"spend" decimal(38,10)');
  expect(sql).toContain('"_dif_extracted_at" timestamptz NOT NULL');
  expect(sql).toContain('DEFAULT getdate()');
  expect(sql).toContain('PRIMARY KEY ("_dif_customer", "campaign_id", "date")');
  expect(createAuditTableSql('dif', 'redshift')).toContain('run_id varchar(65535) NOT NULL');
});

test('names are quoted, values in COPY are escaped', () => {
  const plan = loadPlan('redshift', 'we"ird', { ...table, name: 'a"b' }, { ...manifest, iamRole: "arn:x'y" });
  expect(plan[1].sql).toBe('LOCK "we""ird"."a""b"');
  expect(plan.find((s) => s.step === 'copy')!.sql).toContain("IAM_ROLE 'arn:x''y'");
});

describe('Redshift: the slice count the CSV part count is a multiple of (adapters/warehouse/redshift/slices.ts)', () => {
  const poolAnswering = (answer: () => Promise<{ rows: unknown[] }>) => {
    const asked: string[] = [];
    const pool = { query: async (sql: string) => (asked.push(sql), answer()) } as unknown as pg.Pool;
    return { pool, asked };
  };

  test('counts the rows of stv_slices', async () => {
    expect(SLICE_COUNT_SQL).toBe('SELECT COUNT(*) AS slices FROM stv_slices');
    const { pool, asked } = poolAnswering(async () => ({ rows: [{ slices: '8' }] }));
    expect(await sliceCount(pool, false)).toBe(8);
    expect(asked).toEqual([SLICE_COUNT_SQL]);
  });

  test('Serverless is not asked; a refused query or no rows is 1; a connection failure fails', async () => {
    const serverless = poolAnswering(async () => ({ rows: [{ slices: '8' }] }));
    expect(await sliceCount(serverless.pool, true)).toBe(1);
    expect(serverless.asked).toEqual([]);
    const refused = Object.assign(new Error('permission denied for relation stv_slices'), { code: '42501' });
    expect(await sliceCount(poolAnswering(() => Promise.reject(refused)).pool, false)).toBe(1);
    expect(await sliceCount(poolAnswering(async () => ({ rows: [{ slices: '0' }] })).pool, false)).toBe(1);
    const down = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5439'), { code: 'ECONNREFUSED' });
    await expect(sliceCount(poolAnswering(() => Promise.reject(down)).pool, false)).rejects.toThrow('ECONNREFUSED');
  });

  test('a Serverless workgroup is known by its settings or its endpoint', () => {
    const base = redshiftSettings({});
    expect(isServerless({ ...base, host: 'h', workgroup: 'wg' })).toBe(true);
    expect(isServerless({ ...base, url: 'postgres://u:p@wg.123456789012.us-east-1.redshift-serverless.amazonaws.com:5439/dev' })).toBe(true);
    expect(isServerless({ ...base, url: 'postgres://u:p@c.abc.us-east-1.redshift.amazonaws.com:5439/dev' })).toBe(false);
    expect(isServerless({ ...base, host: 'h', clusterId: 'c', dbUser: 'u' })).toBe(false);
  });

  test('the warehouse asks once per process, and again after a failed ask; Postgres is 1 without asking', async () => {
    let asks = 0;
    const answers = [() => Promise.reject(new Error('ECONNREFUSED')), () => Promise.resolve(16)];
    const warehouse = new SqlWarehouse({
      kind: 'redshift', dialect: 'redshift', pool: {} as pg.Pool, schema: 's', endpoint: { name: 'redshift', address: 'a', fix: '' },
      stager: { ...stdinStager, partMultiple: () => answers[Math.min(asks++, 1)]() },
    });
    await expect(warehouse.partMultiple()).rejects.toThrow('ECONNREFUSED');
    expect(await warehouse.partMultiple()).toBe(16);
    expect(await warehouse.partMultiple()).toBe(16);
    expect(asks).toBe(2);
    const postgres = new SqlWarehouse({ kind: 'postgres', dialect: 'postgres', pool: {} as pg.Pool, schema: 's', endpoint: { name: 'postgres', address: 'a', fix: '' }, stager: stdinStager });
    expect(await postgres.partMultiple()).toBe(1);
  });
});
