/**
 * preprocess: JSON records to CSV, records/s and peak RSS, DIF's streaming preprocessor
 * against two baselines on the same file in the same run: DuckDB (`read_json` → `COPY … TO`
 * gzip CSV, the same columns and types, preprocess-duckdb-child.ts), what a data engineer
 * would reach for, and Miller (`mlr --ijson --ocsv cat`, untyped and uncompressed). Each
 * runs in a process of its own so each peak RSS is its own (DIF's and DuckDB's from
 * process.resourceUsage(), Miller's from GNU time). DIF does more per record than Miller
 * (types checked, micros converted, metadata columns, gzip output, a manifest).
 * The floor on the same file (preprocess-floor-child.ts): its records JSON.parse'd and
 * nothing else, against DIF's decoder alone and the whole preprocessor, so the
 * gap splits into V8's JSON.parse, DIF's finding of the records, and mapping + CSV + gzip.
 * Then DIF alone on 10,000,000 records: its peak RSS against the 200 MB budget.
 * Sizes: DIF_BENCH_PREPROCESS_RECORDS (1,000,000), DIF_BENCH_PREPROCESS_BIG (10,000,000;
 * 0 skips it). DuckDB runs on DIF_BENCH_DUCKDB_THREADS threads (1: a preprocess activity is
 * one thread, and the worker's other slots use the other cores). On 2 cores the whole bench takes about 4–5 minutes, most of it the big run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeJsonRecords } from './fixtures';
import { figure, progress, timed, type Figure } from './report';

const run = promisify(execFile);
const BENCH = 'preprocess';
const RECORDS = Number(process.env.DIF_BENCH_PREPROCESS_RECORDS ?? 1_000_000);
const BIG = Number(process.env.DIF_BENCH_PREPROCESS_BIG ?? 10_000_000);
const RSS_BUDGET_MB = 200;
const MILLER = 'Miller 6 (mlr --ijson --ocsv cat), same file';
const FLOOR = "floor: the same file's records JSON.parse'd one by one, cut at its newlines, nothing mapped or written";
const DUCKDB_THREADS = Number(process.env.DIF_BENCH_DUCKDB_THREADS ?? 1);
const DUCKDB = `DuckDB (read_json → COPY TO gzip CSV, same columns and types, ${DUCKDB_THREADS} thread${DUCKDB_THREADS === 1 ? '' : 's'}), same file`;

interface Measured {
  seconds: number;
  /** CPU seconds of DIF's and DuckDB's processes (every thread), steadier than wall time when other work shares the cores. */
  cpuSeconds?: number;
  maxRssMb: number;
}

async function difOnce(root: string, key: string): Promise<Measured & { records: number }> {
  const child = path.join(__dirname, 'preprocess-child.js');
  const { stdout } = await run(process.execPath, [child, root, key], { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout) as { records: number; seconds: number; cpuSeconds: number; maxRssMb: number };
  fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
  return result;
}

async function duckdbOnce(input: string, output: string): Promise<Measured & { rows: number }> {
  const child = path.join(__dirname, 'preprocess-duckdb-child.js');
  const { stdout } = await run(process.execPath, [child, input, output, String(DUCKDB_THREADS)], { maxBuffer: 1 << 20 });
  fs.rmSync(output, { force: true });
  return JSON.parse(stdout) as { rows: number; seconds: number; cpuSeconds: number; maxRssMb: number };
}

async function floorOnce(mode: 'parse' | 'decode', input: string): Promise<Measured & { records: number }> {
  const child = path.join(__dirname, 'preprocess-floor-child.js');
  const { stdout } = await run(process.execPath, [child, mode, input], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as { records: number; seconds: number; cpuSeconds: number; maxRssMb: number };
}

async function millerOnce(input: string, output: string): Promise<Measured> {
  // GNU time prints the peak RSS (KB) on stderr; Miller's CSV goes to a file, as DIF's does.
  const { result, seconds } = await timed(() =>
    run('/usr/bin/time', ['-f', '%M', 'sh', '-c', 'mlr --ijson --ocsv cat "$1" > "$2"', 'sh', input, output], { maxBuffer: 1 << 20 }),
  );
  const kb = Number(result.stderr.trim().split('\n').pop());
  fs.rmSync(output, { force: true });
  return { seconds, maxRssMb: kb / 1024 };
}

export async function runPreprocess(): Promise<Figure[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bench-preprocess-'));
  try {
    const key = 'in/records.json';
    const input = path.join(scratch, key);
    fs.mkdirSync(path.dirname(input), { recursive: true });
    const bytes = await writeJsonRecords(input, RECORDS);
    progress(`preprocess: ${RECORDS} records, ${(bytes / 1e6).toFixed(0)} MB of JSON`);
    // Warm the page cache for both, then measure each once (they take tens of seconds).
    const dif = await difOnce(scratch, key);
    if (dif.records !== RECORDS) throw new Error(`preprocess: DIF read ${dif.records} records, expected ${RECORDS}`);
    progress(`preprocess: DIF ${dif.seconds.toFixed(2)} s (${Math.round(RECORDS / dif.seconds)} rec/s, ${dif.cpuSeconds!.toFixed(1)} CPU s), peak RSS ${dif.maxRssMb.toFixed(0)} MB`);
    const duck = await duckdbOnce(input, path.join(scratch, 'duckdb.csv.gz'));
    if (duck.rows !== RECORDS) throw new Error(`preprocess: DuckDB wrote ${duck.rows} rows, expected ${RECORDS}`);
    progress(`preprocess: DuckDB ${duck.seconds.toFixed(2)} s (${Math.round(RECORDS / duck.seconds)} rec/s, ${duck.cpuSeconds!.toFixed(1)} CPU s), peak RSS ${duck.maxRssMb.toFixed(0)} MB`);
    const mlr = await millerOnce(input, path.join(scratch, 'miller.csv'));
    progress(`preprocess: Miller ${mlr.seconds.toFixed(2)} s (${Math.round(RECORDS / mlr.seconds)} rec/s), peak RSS ${mlr.maxRssMb.toFixed(0)} MB`);
    const floor = await floorOnce('parse', input);
    const decoded = await floorOnce('decode', input);
    for (const [name, m] of [['floor (JSON.parse alone)', floor], ['DIF decode alone', decoded]] as const) {
      if (m.records !== RECORDS) throw new Error(`preprocess: ${name} read ${m.records} records, expected ${RECORDS}`);
      progress(`preprocess: ${name} ${m.seconds.toFixed(2)} s (${m.cpuSeconds!.toFixed(1)} CPU s), peak RSS ${m.maxRssMb.toFixed(0)} MB`);
    }
    const figures = [
      figure({ bench: BENCH, metric: 'records_per_second_vs_duckdb', unit: 'records/s', dif: RECORDS / dif.seconds, baseline: RECORDS / duck.seconds, baselineName: DUCKDB, higherIsBetter: true }),
      figure({ bench: BENCH, metric: 'records_per_cpu_second_vs_duckdb', unit: 'records/CPU s', dif: RECORDS / dif.cpuSeconds!, baseline: RECORDS / duck.cpuSeconds!, baselineName: DUCKDB, higherIsBetter: true }),
      figure({ bench: BENCH, metric: 'peak_rss_mb_vs_duckdb', unit: 'MB', dif: dif.maxRssMb, baseline: duck.maxRssMb, baselineName: DUCKDB, higherIsBetter: false }),
      figure({ bench: BENCH, metric: 'records_per_second', unit: 'records/s', dif: RECORDS / dif.seconds, baseline: RECORDS / mlr.seconds, baselineName: MILLER, higherIsBetter: true }),
      figure({ bench: BENCH, metric: 'peak_rss_mb', unit: 'MB', dif: dif.maxRssMb, baseline: mlr.maxRssMb, baselineName: MILLER, higherIsBetter: false }),
      figure({ bench: BENCH, metric: 'records_per_cpu_second_vs_floor', unit: 'records/CPU s', dif: RECORDS / dif.cpuSeconds!, baseline: RECORDS / floor.cpuSeconds!, baselineName: FLOOR, higherIsBetter: true }),
      figure({ bench: BENCH, metric: 'decode_records_per_cpu_second_vs_floor', unit: 'records/CPU s', dif: RECORDS / decoded.cpuSeconds!, baseline: RECORDS / floor.cpuSeconds!, baselineName: FLOOR, higherIsBetter: true }),
    ];
    fs.rmSync(input, { force: true });

    if (BIG > 0) {
      const bigBytes = await writeJsonRecords(input, BIG);
      progress(`preprocess: ${BIG} records, ${(bigBytes / 1e6).toFixed(0)} MB of JSON, DIF only`);
      const big = await difOnce(scratch, key);
      if (big.records !== BIG) throw new Error(`preprocess: DIF read ${big.records} records, expected ${BIG}`);
      progress(`preprocess: DIF ${BIG} records in ${big.seconds.toFixed(1)} s, peak RSS ${big.maxRssMb.toFixed(0)} MB`);
      if (big.maxRssMb >= RSS_BUDGET_MB) progress(`preprocess: WARNING peak RSS ${big.maxRssMb.toFixed(0)} MB is over the ${RSS_BUDGET_MB} MB budget`);
      figures.push(
        figure({
          bench: BENCH,
          metric: `peak_rss_mb_${BIG}_records`,
          unit: 'MB',
          dif: big.maxRssMb,
          baseline: RSS_BUDGET_MB,
          baselineName: `budget: ${RSS_BUDGET_MB} MB whatever the input size`,
          higherIsBetter: false,
        }),
      );
    }
    return figures;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
