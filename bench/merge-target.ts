/**
 * The table the merge benches merge into: `targetRows` rows of bench/fixtures.ts's shape
 * whose keys start at row `first`, so the incoming rows 0…N-1 find their upper half already
 * there. Seeded by one INSERT … SELECT from generate_series (far faster than COPY through
 * Node), the key index built once after the rows (far faster than upkeep row by row), then
 * VACUUM ANALYZE: hint bits and the visibility map set, as on a table that has lived a while,
 * so the first merge does not pay for writing them.
 */
import type pg from 'pg';
import { createTableSql, tablePlan } from '../adapters/warehouse/table-plan';
import { BENCH_SCHEMA } from './dif-in-process';
import { BENCH_TABLE } from './fixtures';

export async function seedMergeTarget(pool: pg.Pool, first: number, targetRows: number): Promise<void> {
  const target = tablePlan(BENCH_SCHEMA, BENCH_TABLE).qualified;
  await pool.query(`DROP TABLE IF EXISTS ${target}`);
  await pool.query(createTableSql(BENCH_SCHEMA, BENCH_TABLE).replace(/,\n  PRIMARY KEY \([^)]*\)/, ''));
  await pool.query(
    `INSERT INTO ${target} (campaign_id, campaign_name, date, spend, impressions, clicks, _dif_customer, _dif_run_id, _dif_extracted_at)
     SELECT 'c-' || (i % 1000), 'Campaign ' || (i % 1000), date '2000-01-01' + (i / 1000)::int, ((i::bigint * 7919) % 100000000) / 1e6,
            i % 50000, i % 977, 'bench', 'seed', now() - interval '1 day'
       FROM generate_series(${first}, ${first + targetRows - 1}) AS i`,
  );
  await pool.query(`ALTER TABLE ${target} ADD PRIMARY KEY ("_dif_customer", "campaign_id", "date")`);
  await pool.query(`VACUUM ANALYZE ${target}`);
}
