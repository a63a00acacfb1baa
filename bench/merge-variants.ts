/**
 * merge-variants: which Postgres merge to use, by measurement. The same ROWS staged rows
 * (half of their keys already in the table) merged into a TARGET-row table with its key
 * index, each variant in its own transaction, rolled back and the table vacuumed after, so
 * every variant meets the same table:
 *   - delete-insert: today's plan (table-plan.ts): temp staging, DELETE … USING, INSERT of
 *     the latest copy per key (row_number);
 *   - delete-insert-unlogged: the same with an UNLOGGED table for staging instead of a
 *     temporary one (temporary tables go through temp_buffers, 8 MB by default);
 *   - delete-insert-temp-buffers: the temporary table with temp_buffers raised to 256 MB;
 *   - …-work-mem: with `SET LOCAL work_mem = '256MB'`, so the dedup's sort (row_number over
 *     the key) stays in memory instead of spilling to disk at the default 4 MB;
 *   - …-analyze: `ANALYZE` of the staging table after the COPY, so the delete's join is planned
 *     from the staged keys' statistics instead of a guess from the table's size;
 *   - delete-insert-no-dedup: the insert without the row_number dedup, as it could run if the
 *     preprocessor knew the staged keys unique: the most skipping the dedup could save;
 *   - on-conflict: INSERT … ON CONFLICT (key) DO UPDATE, counting updates by xmax;
 *   - merge: MERGE (Postgres 15), counting the matched keys with a join first (MERGE has
 *     no RETURNING before Postgres 17).
 * Each line: rows/s of the whole transaction (COPY included) against delete-insert's, which
 * runs first and again last (the mean of the two: on a loaded machine the order matters).
 * Sizes: DIF_BENCH_LOAD_ROWS (1,000,000), DIF_BENCH_MERGE_TARGET_ROWS (3,000,000).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ensurePostgresDatabase } from '../adapters/warehouse/postgres';
import { ident, tablePlan } from '../adapters/warehouse/table-plan';
import { BENCH_POSTGRES_URL, BENCH_SCHEMA } from './dif-in-process';
import { BENCH_TABLE } from './fixtures';
import { csvRow } from './load';
import { seedMergeTarget } from './merge-target';
import { figure, progress, timed, type Figure } from './report';

const BENCH = 'merge-variants';
const ROWS = Number(process.env.DIF_BENCH_LOAD_ROWS ?? 1_000_000);
const TARGET_ROWS = Number(process.env.DIF_BENCH_MERGE_TARGET_ROWS ?? 3_000_000);

const ALL = ['delete-insert', 'delete-insert-analyze', 'delete-insert-analyze-work-mem', 'delete-insert-no-dedup', 'delete-insert-work-mem', 'delete-insert-unlogged', 'delete-insert-unlogged-work-mem', 'delete-insert-temp-buffers', 'on-conflict', 'merge'] as const;
type Variant = (typeof ALL)[number];
/** DIF_BENCH_MERGE_VARIANTS: a comma-separated subset (delete-insert, the baseline, always runs first). */
const VARIANTS: Variant[] = [
  'delete-insert',
  ...(process.env.DIF_BENCH_MERGE_VARIANTS?.split(',').map((v) => v.trim()) ?? ALL).filter((v): v is Variant => v !== 'delete-insert' && (ALL as readonly string[]).includes(v)),
];

interface Outcome {
  seconds: number;
  inserted: number;
  replaced: number;
  steps: Record<string, number>;
}

async function runVariant(variant: Variant, csv: Buffer): Promise<Outcome> {
  const plan = tablePlan(BENCH_SCHEMA, BENCH_TABLE);
  const target = plan.qualified;
  const staging = variant.startsWith('delete-insert-unlogged') ? `${ident(BENCH_SCHEMA)}.${ident('dif_stage_bench')}` : ident('dif_stage_bench');
  const cols = plan.csvColumns.map(ident).join(', ');
  const keyCols = plan.key.map(ident).join(', ');
  const on = plan.key.map((k) => `t.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const onTarget = plan.key.map((k) => `${target}.${ident(k)} = s.${ident(k)}`).join(' AND ');
  const latest = `SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ${keyCols} ORDER BY "_dif_extracted_at" DESC, ctid DESC) AS _dif_rank FROM ${staging}) r WHERE _dif_rank = 1`;
  const updates = [...plan.csvColumns.filter((c) => !plan.key.includes(c)).map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`), '"_dif_loaded_at" = now()'].join(', ');
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  const steps: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const { result, seconds } = await timed(work);
    steps[name] = (steps[name] ?? 0) + seconds;
    return result;
  };
  try {
    if (variant === 'delete-insert-temp-buffers') await client.query(`SET temp_buffers = '256MB'`);
    const start = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${target} IN SHARE ROW EXCLUSIVE MODE`);
    if (variant.endsWith('-work-mem')) await client.query(`SET LOCAL work_mem = '256MB'`);
    const unique = variant === 'delete-insert-no-dedup';
    await client.query(
      variant.startsWith('delete-insert-unlogged')
        ? `CREATE UNLOGGED TABLE ${staging} AS SELECT ${cols} FROM ${target} WITH NO DATA`
        : `CREATE TEMP TABLE ${staging} ON COMMIT DROP AS SELECT ${cols} FROM ${target} WITH NO DATA`,
    );
    await step('copy', () => pipeline(Readable.from([csv]), client.query(copyFrom(`COPY ${staging} (${cols}) FROM STDIN WITH (FORMAT csv, HEADER true)`))));
    if (variant.startsWith('delete-insert-analyze')) await step('analyze', () => client.query(`ANALYZE ${staging}`));
    let inserted = 0;
    let replaced = 0;
    if (variant === 'on-conflict') {
      const { rows } = await step('upsert', () =>
        client.query(
          `WITH w AS (INSERT INTO ${target} (${cols}) SELECT ${cols} FROM (${latest}) s ON CONFLICT (${keyCols}) DO UPDATE SET ${updates} RETURNING (xmax = 0) AS fresh) ` +
            `SELECT count(*) FILTER (WHERE fresh) AS inserted, count(*) FILTER (WHERE NOT fresh) AS replaced FROM w`,
        ),
      );
      inserted = Number(rows[0].inserted);
      replaced = Number(rows[0].replaced);
    } else if (variant === 'merge') {
      // MERGE reads its source once; the latest copies are materialized so the count and MERGE agree.
      await step('dedup', () => client.query(`CREATE TEMP TABLE dif_latest_bench ON COMMIT DROP AS SELECT ${cols} FROM (${latest}) s`));
      const { rows } = await step('count', () => client.query(`SELECT count(*) AS n FROM dif_latest_bench s JOIN ${target} t ON ${on}`));
      replaced = Number(rows[0].n);
      const sets = plan.csvColumns.filter((c) => !plan.key.includes(c)).map((c) => `${ident(c)} = s.${ident(c)}`).join(', ');
      const result = await step('merge', () =>
        client.query(
          `MERGE INTO ${target} t USING dif_latest_bench s ON ${on} WHEN MATCHED THEN UPDATE SET ${sets}, "_dif_loaded_at" = now() ` +
            `WHEN NOT MATCHED THEN INSERT (${cols}) VALUES (${plan.csvColumns.map((c) => `s.${ident(c)}`).join(', ')})`,
        ),
      );
      inserted = (result.rowCount ?? 0) - replaced;
    } else {
      const deleted = await step('delete', () => client.query(`DELETE FROM ${target} USING ${staging} s WHERE ${onTarget}`));
      const written = await step('insert', () => client.query(`INSERT INTO ${target} (${cols}) SELECT ${cols} FROM ${unique ? staging : `(${latest})`} s`));
      replaced = deleted.rowCount ?? 0;
      inserted = (written.rowCount ?? 0) - replaced;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await client.query('ROLLBACK');
    return { seconds, inserted, replaced, steps };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.query(`DROP TABLE IF EXISTS ${ident(BENCH_SCHEMA)}.${ident('dif_stage_bench')}`).catch(() => undefined);
    await client.end();
  }
}

export async function runMergeVariants(): Promise<Figure[]> {
  await ensurePostgresDatabase(BENCH_POSTGRES_URL);
  const pool = new pg.Pool({ connectionString: BENCH_POSTGRES_URL, max: 1 });
  const target = tablePlan(BENCH_SCHEMA, BENCH_TABLE).qualified;
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(BENCH_SCHEMA)}`);
    const first = Math.floor(ROWS / 2);
    await seedMergeTarget(pool, first, TARGET_ROWS);
    const extractedAt = new Date().toISOString();
    let text = `${tablePlan('_', BENCH_TABLE).csvColumns.join(',')}\n`;
    const chunks: string[] = [];
    for (let i = 0; i < ROWS; i++) {
      text += csvRow(i, extractedAt);
      if (text.length > 1 << 20) (chunks.push(text), (text = ''));
    }
    const csv = Buffer.from(chunks.join('') + text);
    progress(`merge-variants: ${ROWS} rows into ${TARGET_ROWS}, ${(csv.length / 1e6).toFixed(0)} MB of CSV`);
    const outcomes = new Map<Variant, Outcome>();
    for (const variant of VARIANTS) {
      const outcome = await runVariant(variant, csv);
      if (outcome.inserted !== first || outcome.replaced !== ROWS - first) {
        throw new Error(`merge-variants: ${variant} inserted ${outcome.inserted} and replaced ${outcome.replaced}, expected ${first} and ${ROWS - first}`);
      }
      const steps = Object.entries(outcome.steps).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ');
      progress(`merge-variants: ${variant} ${outcome.seconds.toFixed(1)} s (${steps})`);
      outcomes.set(variant, outcome);
      await pool.query(`VACUUM ${target}`);
    }
    // delete-insert again, last: on a loaded machine the order of runs matters, so the baseline is the mean of the first and last runs.
    const again = await runVariant('delete-insert', csv);
    progress(`merge-variants: delete-insert again ${again.seconds.toFixed(1)} s`);
    const opening = outcomes.get('delete-insert')!;
    const base = { ...opening, seconds: (opening.seconds + again.seconds) / 2 };
    return VARIANTS.filter((v) => v !== 'delete-insert').map((v) =>
      figure({
        bench: BENCH,
        metric: `${v}_rows_per_second_into_${TARGET_ROWS}`,
        unit: 'rows/s',
        dif: ROWS / outcomes.get(v)!.seconds,
        baseline: ROWS / base.seconds,
        baselineName: `delete-insert (table-plan.ts), same rows, same run, mean of a first and a last run: ${base.seconds.toFixed(1)} s`,
        higherIsBetter: true,
      }),
    );
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined);
    await pool.end();
  }
}
