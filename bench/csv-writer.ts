/**
 * csv-writer: the preprocessor's CSV formatting and gzip, without decoding.
 * 1. rows/s of runtime/csv/csv-text.ts against csv-stringify's sync API (what it replaced)
 *    on the preprocess bench's rows, in batches of 1,000 as the part writer gets them;
 * 2. gzip levels 1, 3, 6 (zlib's default) and 9 on the same CSV: MB/s of CSV in and the
 *    compressed size, against level 6. The level the part writer uses is chosen from these.
 * Each figure is the median of 3 runs in this process. Size: DIF_BENCH_CSV_ROWS (1,000,000).
 */
import { gzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { csvText, type CsvCell } from '../runtime/csv/csv-text';
import { figure, median, progress, type Figure } from './report';

const BENCH = 'csv-writer';
const ROWS = Number(process.env.DIF_BENCH_CSV_ROWS ?? 1_000_000);
const BATCH = 1000;

/** Row i as the row mapper makes it for bench/fixtures.ts's record i (one name in ten with a comma, to exercise quoting). */
function row(i: number, extractedAt: string): CsvCell[] {
  const campaign = i % 1000;
  const day = new Date(Date.UTC(2000, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10);
  const name = campaign % 10 === 0 ? `Campaign ${campaign}, "brand"` : `Campaign ${campaign}`;
  return [`c-${campaign}`, name, day, String(((i * 7919) % 100_000_000) / 1e6), String(i % 50_000), i % 7 === 0 ? null : String(i % 977), 'bench', 'bench-run', extractedAt];
}

function secondsOf(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function runCsvWriter(): Promise<Figure[]> {
  const extractedAt = new Date().toISOString();
  const batches: CsvCell[][][] = [];
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch: CsvCell[][] = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) batch.push(row(i, extractedAt));
    batches.push(batch);
  }
  const format = (write: (rows: CsvCell[][]) => string) => () => {
    let bytes = 0;
    for (const batch of batches) bytes += write(batch).length;
    if (bytes === 0) throw new Error('no CSV written');
  };
  const tight: number[] = [];
  const library: number[] = [];
  for (let run = 0; run < 3; run++) {
    library.push(secondsOf(format((rows) => stringify(rows))));
    tight.push(secondsOf(format(csvText)));
  }
  progress(`csv-writer: ${ROWS} rows, csvText ${median(tight).toFixed(2)} s, csv-stringify ${median(library).toFixed(2)} s`);
  const figures = [
    figure({ bench: BENCH, metric: 'format_rows_per_second', unit: 'rows/s', dif: ROWS / median(tight), baseline: ROWS / median(library), baselineName: 'csv-stringify 6 sync API, same batches', higherIsBetter: true }),
  ];

  const csv = Buffer.from(batches.map((b) => csvText(b)).join(''));
  batches.length = 0;
  const level = (n: number) => {
    const times: number[] = [];
    let size = 0;
    for (let run = 0; run < 3; run++) times.push(secondsOf(() => (size = gzipSync(csv, { level: n }).length)));
    return { mbPerSecond: csv.length / 1e6 / median(times), size };
  };
  const base = level(6);
  progress(`csv-writer: ${(csv.length / 1e6).toFixed(0)} MB of CSV; gzip level 6: ${base.mbPerSecond.toFixed(1)} MB/s, ${(base.size / 1e6).toFixed(1)} MB`);
  for (const n of [1, 3, 9]) {
    const l = level(n);
    progress(`csv-writer: gzip level ${n}: ${l.mbPerSecond.toFixed(1)} MB/s, ${(l.size / 1e6).toFixed(1)} MB`);
    const name = `gzip level 6 (zlib's default), same CSV: ${base.mbPerSecond.toFixed(1)} MB/s, ${(base.size / 1e6).toFixed(1)} MB`;
    figures.push(
      figure({ bench: BENCH, metric: `gzip_level_${n}_mb_per_second`, unit: 'MB/s', dif: l.mbPerSecond, baseline: base.mbPerSecond, baselineName: name, higherIsBetter: true }),
      figure({ bench: BENCH, metric: `gzip_level_${n}_compressed_mb`, unit: 'MB', dif: l.size / 1e6, baseline: base.size / 1e6, baselineName: name, higherIsBetter: false }),
    );
  }
  return figures;
}
