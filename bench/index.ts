/**
 * `npm run bench -- <name>…`: runs the named benchmarks (all of them when none is named)
 * and prints one JSON line per figure on stdout:
 *   {"bench","metric","unit","dif","baseline","baselineName","ratio","higherIsBetter"}
 * (baseline, baselineName and ratio absent from a figure with nothing fair to set it against).
 * Progress goes to stderr. Exit 0 when every bench ran, 1 when one failed, 2 on bad usage.
 */
import { runE2e } from './e2e';
import { runPagination } from './pagination';
import { runThrottledPagination } from './throttled-pagination';
import { runFanout } from './fanout';
import { runSemaphore } from './semaphore';
import { runPreprocess } from './preprocess';
import { runCsvWriter } from './csv-writer';
import { runLoad } from './load';
import { runMergeVariants } from './merge-variants';
import { runFiles } from './files';
import { runPii } from './pii';
import { runExpressions } from './expressions';
import { runKeyedRecords } from './keyed-records';
import { runFleet } from './fleet';
import { emit, progress, type Figure } from './report';

const BENCHES: Record<string, { description: string; run: () => Promise<Figure[]> }> = {
  e2e: {
    description: 'records/s of a 100,000-record Demo Ads window, vendor to Postgres, vs a plain fetch + CSV + COPY script, and vs the same script merging by DIF\'s statements into an indexed table (the floor)',
    run: runE2e,
  },
  pagination: {
    description: 'pages/s and records/s of 10,000 pages of 100 records, vs a plain fetch + write + CSV + COPY loop; history length',
    run: runPagination,
  },
  'throttled-pagination': {
    description: 'wall time of 200 pages from a vendor that answers every fifth request 429 with Retry-After: 1, vs the sum of those waits',
    run: runThrottledPagination,
  },
  fanout: {
    description: 'calls/s of a dependent step fanning out to 50,000 calls, vs a plain script; history length vs the 51,200-event limit',
    run: runFanout,
  },
  semaphore: {
    description: 'fair semaphore acquire+release latency (p50, p99) and throughput vs bare Redis SET NX PX + DEL',
    run: runSemaphore,
  },
  preprocess: {
    description: 'records/s and peak RSS of 1,000,000 JSON records to gzip CSV vs DuckDB (read_json → COPY) and vs Miller; peak RSS for 10,000,000 records',
    run: runPreprocess,
  },
  'csv-writer': {
    description: 'rows/s of the CSV formatting (runtime/csv/csv-text.ts) vs csv-stringify; MB/s and size of gzip levels 1, 3, 9 vs 6 on the same CSV',
    run: runCsvWriter,
  },
  load: {
    description: 'rows/s of loading 1,000,000 rows vs psql \\copy; merging them into a 10,000,000-row table, vs the same \\copy and vs psql running DIF\'s merge statements by hand (the floor)',
    run: runLoad,
  },
  'merge-variants': {
    description: 'rows/s of Postgres merge forms (unlogged or bigger-buffer staging, ON CONFLICT, MERGE) vs today\'s delete + insert, 1,000,000 rows into 3,000,000',
    run: runMergeVariants,
  },
  files: {
    description: 'MB/s of taking a 256 MB file from SFTP into the object store (digest, head check) vs OpenSSH sftp get; memory growth vs file size',
    run: runFiles,
  },
  'keyed-records': {
    description: 'peak RSS of a ~20 MB report keyed by entity id read with decode.keyed (streamed) vs records "Object.values(response).flat()" (whole document)',
    run: runKeyedRecords,
  },
  pii: {
    description: 'records/s of mapping contacts with 4 pii columns protected vs a plain hashing loop, and vs the same columns undeclared',
    run: runPii,
  },
  fleet: {
    description: 'a day of many customers: every customer x 6 mock vendors started at once on 3 worker processes, one killed, Redis restarted, a vendor down; runs/min, latency, peak concurrency vs limits, fairness, rows lost/duplicated, CPU',
    run: runFleet,
  },
  expressions: {
    description: 'µs per evaluation of record.a * 2 in the isolated engine, and µs per record of mapping a 10,000-record page, vs plain loops',
    run: runExpressions,
  },
};

function usage(): string {
  const list = Object.entries(BENCHES)
    .map(([name, b]) => `  ${name.padEnd(8)} ${b.description}`)
    .join('\n');
  return `usage: npm run bench -- [name...]\nbenches:\n${list}`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.includes('--list')) {
    process.stderr.write(`${usage()}\n`);
    return 0;
  }
  const unknown = argv.filter((name) => !(name in BENCHES));
  if (unknown.length) {
    process.stderr.write(`bench: unknown bench ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${Object.keys(BENCHES).join(', ')}\n${usage()}\n`);
    return 2;
  }
  const names = argv.length ? [...new Set(argv)] : Object.keys(BENCHES);
  let failed = false;
  for (const name of names) {
    const started = Date.now();
    progress(`${name}: starting`);
    try {
      for (const f of await BENCHES[name].run()) emit(f);
      progress(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (e) {
      failed = true;
      process.stderr.write(`bench: ${name} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
  }
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // No process.exit(): the process must end by itself, which proves every bench cleaned up.
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
