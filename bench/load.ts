/**
 * load: rows/s of DIF's loader (gzip CSV parts from the object store → COPY into a
 * staging table → dedup merge → audit row, one transaction) against `psql \copy` of the
 * same rows as plain CSV into an empty table of the same shape, in the same run. Then the
 * merge that matters in production: the same 1,000,000 rows, half of them already there,
 * into a 10,000,000-row table, against the same `psql \copy` time and against its floor:
 * psql running the same merge statements by hand (bench/psql-merge.ts), each merge on a
 * freshly seeded table. The loader is timed on its own (no Temporal around it; the e2e
 * bench covers that).
 * Sizes: DIF_BENCH_LOAD_ROWS (1,000,000), DIF_BENCH_MERGE_TARGET_ROWS (10,000,000; 0 skips),
 * DIF_BENCH_MERGE_PAIRS (1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { LocalObjectStore } from '../adapters/object-store/local-object-store';
import { ensurePostgresDatabase, postgresWarehouseOn } from '../adapters/warehouse/postgres';
import { ident, tablePlan } from '../adapters/warehouse/table-plan';
import { BENCH_POSTGRES_URL, BENCH_SCHEMA } from './dif-in-process';
import { BENCH_TABLE } from './fixtures';
import { figure, progress, timed, type Figure } from './report';
import { seedMergeTarget } from './merge-target';
import { psqlMergeScript, runPsqlMerge } from './psql-merge';

const run = promisify(execFile);
const BENCH = 'load';
const ROWS = Number(process.env.DIF_BENCH_LOAD_ROWS ?? 1_000_000);
const TARGET_ROWS = Number(process.env.DIF_BENCH_MERGE_TARGET_ROWS ?? 10_000_000);
/** DIF_BENCH_MERGE_PAIRS (1): how many merges each of DIF and the psql floor run, alternating. */
const PAIRS = Math.max(1, Number(process.env.DIF_BENCH_MERGE_PAIRS ?? 1));
const PSQL = 'psql \\copy of the same rows (plain CSV) into an empty table of the same shape';

/** Row i of the bench: the same keys as bench/fixtures.ts's records. */
export function csvRow(i: number, extractedAt: string): string {
  const campaign = i % 1000;
  const day = new Date(Date.UTC(2000, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
  return `c-${campaign},Campaign ${campaign},${day},${((i * 7919) % 100_000_000) / 1e6},${i % 50_000},${i % 977},bench,bench-run,${extractedAt}\n`;
}

/** The same rows twice: plain CSV for psql, gzip parts of 250,000 rows for DIF. */
async function writeInputs(plainFile: string, store: LocalObjectStore, root: string, rows: number): Promise<string[]> {
  const header = `${tablePlan('_', BENCH_TABLE).csvColumns.join(',')}\n`;
  const extractedAt = new Date().toISOString();
  const plain = fs.createWriteStream(plainFile);
  plain.write(header);
  const keys: string[] = [];
  const perPart = 250_000;
  for (let start = 0; start < rows; start += perPart) {
    const key = `load/part-${String(keys.length + 1).padStart(6, '0')}.csv.gz`;
    const file = path.join(root, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const gz = createGzip();
    const out = gz.pipe(fs.createWriteStream(file));
    gz.write(header);
    for (let i = start; i < Math.min(rows, start + perPart); i += 10_000) {
      let text = '';
      for (let k = i; k < Math.min(rows, i + 10_000); k++) text += csvRow(k, extractedAt);
      if (!plain.write(text)) await once(plain, 'drain');
      if (!gz.write(text)) await once(gz, 'drain');
    }
    gz.end();
    await once(out, 'finish');
    keys.push(key);
  }
  plain.end();
  await once(plain, 'finish');
  void store;
  return keys;
}

async function psqlCopy(table: string, file: string): Promise<number> {
  const cols = tablePlan('_', BENCH_TABLE).csvColumns.join(', ');
  const { seconds } = await timed(() =>
    run('psql', [BENCH_POSTGRES_URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy ${table} (${cols}) FROM '${file}' WITH (FORMAT csv, HEADER true)`]),
  );
  return seconds;
}

/** Floor first, then DIF, in ABBA blocks (floor, DIF, DIF, floor, …): a drift in the machine's load weighs on both alike. */
function mergeOrder(pairs: number): ('dif' | 'psql')[] {
  return Array.from({ length: pairs }, (_, i): ('dif' | 'psql')[] => (i % 2 ? ['dif', 'psql'] : ['psql', 'dif'])).flat();
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export async function runLoad(): Promise<Figure[]> {
  await ensurePostgresDatabase(BENCH_POSTGRES_URL);
  const pool = new pg.Pool({ connectionString: BENCH_POSTGRES_URL, max: 2 });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bench-load-'));
  const store = new LocalObjectStore(scratch);
  const loader = postgresWarehouseOn(pool, BENCH_SCHEMA);
  const target = `${ident(BENCH_SCHEMA)}.${ident(BENCH_TABLE.name)}`;
  const baseline = `${ident(BENCH_SCHEMA)}.${ident('bench_psql_copy')}`;
  const audit = { runId: `bench-${Date.now()}`, vendor: 'bench', customer: 'bench', stream: 'bench', window: { from: '2000-01-01', to: '2030-01-01' }, rowsRejected: 0 };
  try {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${ident(BENCH_SCHEMA)}`);
    const plainFile = path.join(scratch, 'rows.csv');
    const keys = await writeInputs(plainFile, store, scratch, ROWS);
    const parts = keys.map((key) => ({ open: () => store.getStream(key), gzip: true }));
    progress(`load: ${ROWS} rows, ${keys.length} gzip parts; plain CSV ${(fs.statSync(plainFile).size / 1e6).toFixed(0)} MB`);

    // 1. Into an empty table: DIF's whole load against a bare \copy.
    await pool.query(`DROP TABLE IF EXISTS ${target}`);
    await pool.query(`DROP TABLE IF EXISTS ${baseline}`);
    await loader.ensureTable(BENCH_TABLE);
    await pool.query(`CREATE TABLE ${baseline} (LIKE ${target} INCLUDING ALL)`);
    const psqlSeconds = await psqlCopy(baseline, plainFile);
    progress(`load: psql \\copy ${psqlSeconds.toFixed(2)} s (${Math.round(ROWS / psqlSeconds)} rows/s)`);
    const { result: empty, seconds: difSeconds } = await timed(() => loader.load(BENCH_TABLE, parts, audit));
    if (empty.rowsInserted !== ROWS) throw new Error(`load: DIF inserted ${empty.rowsInserted} rows, expected ${ROWS}`);
    progress(`load: DIF into an empty table ${difSeconds.toFixed(2)} s (${Math.round(ROWS / difSeconds)} rows/s)`);
    await pool.query(`DROP TABLE IF EXISTS ${baseline}`);

    const figures = [
      figure({ bench: BENCH, metric: 'rows_per_second', unit: 'rows/s', dif: ROWS / difSeconds, baseline: ROWS / psqlSeconds, baselineName: PSQL, higherIsBetter: true }),
    ];

    if (TARGET_ROWS > 0) {
      // 2. Into a 10,000,000-row table holding half of the incoming keys already: DIF's merge,
      // and psql running the same statements by hand (the floor), each on a freshly seeded table.
      const first = Math.floor(ROWS / 2);
      const expected = { files: keys.length, staged: ROWS, inserted: first, replaced: ROWS - first };
      const floor = psqlMergeScript(BENCH_SCHEMA, BENCH_TABLE, plainFile, { ...audit, runId: `${audit.runId}-psql-merge` }, expected);
      const scriptFile = path.join(scratch, 'merge.sql');
      fs.writeFileSync(scriptFile, floor.script);
      const seconds: Record<'dif' | 'psql', number[]> = { dif: [], psql: [] };
      for (const side of mergeOrder(PAIRS)) {
        const { seconds: seedSeconds } = await timed(() => seedMergeTarget(pool, first, TARGET_ROWS));
        progress(`load: seeded ${TARGET_ROWS} rows in ${seedSeconds.toFixed(1)} s`);
        let outcome: { seconds: number; inserted: number; replaced: number; detail: string };
        if (side === 'dif') {
          // Where DIF's time goes, split where the psql floor's can be: up to the end of the COPY (the warehouse's test seam), and after.
          const start = process.hrtime.bigint();
          let staged = 0;
          loader.afterStage = async () => void (staged = Number(process.hrtime.bigint() - start) / 1e9);
          const { result, seconds: s } = await timed(() => loader.load(BENCH_TABLE, parts, { ...audit, runId: `${audit.runId}-merge-${seconds.dif.length}` }));
          loader.afterStage = undefined;
          // rowsInserted counts keys new to the table; the replaced ones are rowsReplaced.
          outcome = { seconds: s, inserted: result.rowsInserted, replaced: result.rowsReplaced, detail: `to the end of the COPY ${staged.toFixed(1)} s, after it ${(s - staged).toFixed(1)} s` };
        } else {
          const result = await runPsqlMerge(BENCH_POSTGRES_URL, scriptFile, floor.steps);
          const detail = Object.entries(result.steps).map(([step, t]) => `${step} ${t.toFixed(1)} s`).join(', ');
          outcome = { seconds: result.seconds, inserted: result.written - result.replaced, replaced: result.replaced, detail };
        }
        const who = side === 'dif' ? 'DIF merge' : 'psql merge (the floor)';
        progress(`load: ${who} into ${TARGET_ROWS} rows ${outcome.seconds.toFixed(2)} s (${outcome.detail}): ${outcome.inserted} inserted, ${outcome.replaced} replaced; load average ${os.loadavg()[0].toFixed(1)}`);
        if (outcome.inserted !== first || outcome.replaced !== ROWS - first) {
          throw new Error(`load: the ${who} inserted ${outcome.inserted} and replaced ${outcome.replaced}, expected ${first} and ${ROWS - first}`);
        }
        seconds[side].push(outcome.seconds);
      }
      const dif = mean(seconds.dif);
      const psql = mean(seconds.psql);
      progress(`load: merge into ${TARGET_ROWS}: DIF ${dif.toFixed(2)} s, psql merge ${psql.toFixed(2)} s, psql \\copy ${psqlSeconds.toFixed(2)} s; psql merge / \\copy ${(psqlSeconds / psql).toFixed(2)}`);
      figures.push(
        figure({ bench: BENCH, metric: `merge_rows_per_second_into_${TARGET_ROWS}`, unit: 'rows/s', dif: ROWS / dif, baseline: ROWS / psqlSeconds, baselineName: PSQL, higherIsBetter: true }),
        figure({
          bench: BENCH,
          metric: `merge_rows_per_second_into_${TARGET_ROWS}_vs_psql_merge`,
          unit: 'rows/s',
          dif: ROWS / dif,
          baseline: ROWS / psql,
          baselineName: `psql running DIF's merge statements by hand (bench/psql-merge.ts), the rows \\copy'd from the plain CSV; mean of ${seconds.psql.length} run(s) alternating with DIF's`,
          higherIsBetter: true,
        }),
      );
    }
    return figures;
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined);
    await pool.query(`DROP TABLE IF EXISTS ${baseline}`).catch(() => undefined);
    await pool.end();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
