/**
 * Warehouse SQL as text. The merge key (customer + the stream's primary key) and the
 * latest-extract-wins dedup are what make a re-run replace rows instead of duplicating them
 * (DESIGN invariant 3), so they are asserted literally.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  METADATA_COLUMNS,
  copyIntoStagingSql,
  createTableSql,
  ident,
  mergeSql,
  sqlType,
  stagingTableSql,
  tablePlan,
} from '../../../adapters/warehouse/table-plan';
import type { TableConfig } from '../../../interpreter/config-schema';

const demoTable: TableConfig = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'demo-ads', 'config.json'), 'utf8'),
).streams.campaign_daily.table;

const KEY = '("_dif_customer", "campaign_id", "date")';
const CSV_COLUMNS =
  '"campaign_id", "campaign_name", "date", "spend", "impressions", "clicks", "_dif_customer", "_dif_run_id", "_dif_extracted_at"';

describe('ident', () => {
  test('double-quotes identifiers and doubles embedded quotes', () => {
    expect(ident('date')).toBe('"date"');
    expect(ident('we"ird')).toBe('"we""ird"');
    expect(ident('x"; DROP TABLE t; --')).toBe('"x""; DROP TABLE t; --"');
  });
});

describe('tablePlan', () => {
  test('CSV columns are the config columns then the metadata columns; the key starts with the customer', () => {
    const plan = tablePlan('dif', demoTable);
    expect(plan.qualified).toBe('"dif"."demo_ads_campaign_daily"');
    expect(plan.csvColumns).toEqual([
      'campaign_id',
      'campaign_name',
      'date',
      'spend',
      'impressions',
      'clicks',
      ...METADATA_COLUMNS.map((c) => c.name),
    ]);
    expect(plan.key).toEqual(['_dif_customer', 'campaign_id', 'date']);
  });

  test('sqlType maps every column type', () => {
    expect(['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp'].map((t) => sqlType(t as never))).toEqual([
      'text',
      'bigint',
      'numeric',
      'boolean',
      'date',
      'timestamp with time zone',
    ]);
  });
});

describe('createTableSql', () => {
  const sql = createTableSql('dif', demoTable);

  test('is idempotent and schema-qualified', () => {
    expect(sql.startsWith('CREATE TABLE IF NOT EXISTS "dif"."demo_ads_campaign_daily" (')).toBe(true);
  });

  test('the primary key is the customer plus the stream key', () => {
    expect(sql).toContain(`PRIMARY KEY ${KEY}`);
  });

  test('key columns are NOT NULL; other columns are nullable; types are mapped', () => {
    expect(sql).toContain('"campaign_id" text NOT NULL,');
    expect(sql).toContain('"date" date NOT NULL,');
    expect(sql).toContain('"campaign_name" text,');
    expect(sql).toContain('"spend" numeric,');
    expect(sql).toContain('"impressions" bigint,');
  });

  test('metadata columns are present and required', () => {
    expect(sql).toContain('"_dif_customer" text NOT NULL');
    expect(sql).toContain('"_dif_run_id" text NOT NULL');
    expect(sql).toContain('"_dif_extracted_at" timestamptz NOT NULL');
    expect(sql).toContain('"_dif_loaded_at" timestamp with time zone NOT NULL DEFAULT now()');
  });

  test('the whole statement, so an accidental change is noticed', () => {
    expect(sql).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "dif"."demo_ads_campaign_daily" (',
        '  "campaign_id" text NOT NULL,',
        '  "campaign_name" text,',
        '  "date" date NOT NULL,',
        '  "spend" numeric,',
        '  "impressions" bigint,',
        '  "clicks" bigint,',
        '  "_dif_customer" text NOT NULL,',
        '  "_dif_run_id" text NOT NULL,',
        '  "_dif_extracted_at" timestamptz NOT NULL,',
        '  "_dif_loaded_at" timestamp with time zone NOT NULL DEFAULT now(),',
        `  PRIMARY KEY ${KEY}`,
        ')',
      ].join('\n'),
    );
  });

  test('schema and table names with quotes are escaped, never break out', () => {
    const table: TableConfig = { name: 't', primaryKey: ['id'], columns: [{ name: 'id', type: 'integer' }] };
    const out = createTableSql('my"schema', table);
    expect(out).toContain('"my""schema"."t"');
    expect(out).toContain('PRIMARY KEY ("_dif_customer", "id")');
  });
});

describe('staging and COPY', () => {
  test('the staging table copies the target shape, dropped at commit', () => {
    expect(stagingTableSql('dif', demoTable, 'stage_1')).toBe(
      `CREATE TEMP TABLE "stage_1" ON COMMIT DROP AS SELECT ${CSV_COLUMNS} FROM "dif"."demo_ads_campaign_daily" WITH NO DATA`,
    );
  });

  test('COPY names the columns in CSV order and expects a header', () => {
    expect(copyIntoStagingSql('dif', demoTable, 'stage_1')).toBe(
      `COPY "stage_1" (${CSV_COLUMNS}) FROM STDIN WITH (FORMAT csv, HEADER true)`,
    );
  });
});

describe('mergeSql', () => {
  const { delete: del, insert } = mergeSql('dif', demoTable, 'stage_1');

  test('delete removes target rows sharing the full key with a staged row', () => {
    expect(del).toBe(
      'DELETE FROM "dif"."demo_ads_campaign_daily" t USING "stage_1" s WHERE ' +
        't."_dif_customer" = s."_dif_customer" AND t."campaign_id" = s."campaign_id" AND t."date" = s."date"',
    );
  });

  test('insert keeps only the latest extracted copy of each key', () => {
    expect(insert).toContain(`row_number() OVER (PARTITION BY "_dif_customer", "campaign_id", "date" ORDER BY "_dif_extracted_at" DESC)`);
    expect(insert).toContain('WHERE _dif_rank = 1');
    expect(insert.startsWith(`INSERT INTO "dif"."demo_ads_campaign_daily" (${CSV_COLUMNS}) SELECT ${CSV_COLUMNS} FROM (`)).toBe(true);
    expect(insert).toContain('FROM "stage_1") ranked');
  });

  test('the rank column is not among the inserted columns', () => {
    const inserted = insert.slice(insert.indexOf('(') + 1, insert.indexOf(')'));
    expect(inserted).not.toContain('_dif_rank');
  });
});
