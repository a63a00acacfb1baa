/**
 * Peak RSS of reading a ~20 MB report file keyed by entity id (`{"<id>": [rows…], …}`, the
 * shape of a report delivered as a map of id → rows): decode.keyed, which streams the
 * entries one at a time, against the workaround it replaces, `records:
 * "Object.values(response).flat()"`, which holds the whole document in the expression
 * engine. Each runs in a process of its own (bench/keyed-records-child.ts), the same file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { figure, progress, type Figure } from './report';

const run = promisify(execFile);
const BENCH = 'keyed-records';
const ENTITIES = Number(process.env.DIF_BENCH_KEYED_ENTITIES ?? 20_000);
const DAYS = 10;

/** ENTITIES ids of DAYS rows each, written entity by entity (about 20 MB for 20,000). */
function writeKeyedReport(file: string): number {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '{');
    for (let e = 0; e < ENTITIES; e++) {
      const id = String(1_000_000_000 + e * 7);
      const rows = Array.from({ length: DAYS }, (_, d) => ({
        DATE: `2026-03-${String(d + 1).padStart(2, '0')}`,
        IMPRESSION_1: (e * 31 + d * 17) % 10_000,
        CLICKTHROUGH_1: (e + d) % 97,
        SPEND_IN_MICRO_DOLLAR: ((e * 13 + d) % 5_000) * 10_000,
      }));
      fs.writeSync(fd, `${e ? ',' : ''}${JSON.stringify(id)}:${JSON.stringify(rows)}`);
    }
    fs.writeSync(fd, '}');
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

async function once(file: string, mode: 'keyed' | 'values'): Promise<{ records: number; seconds: number; maxRssMb: number }> {
  const child = path.join(__dirname, `keyed-records-child${path.extname(__filename)}`);
  const { stdout } = await run(process.execPath, [...process.execArgv, child, file, mode], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

export async function runKeyedRecords(): Promise<Figure[]> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bench-keyed-'));
  try {
    const file = path.join(scratch, 'report.json');
    const bytes = writeKeyedReport(file);
    progress(`${BENCH}: ${ENTITIES} entities × ${DAYS} rows, ${(bytes / 1e6).toFixed(1)} MB`);
    const keyed = await once(file, 'keyed');
    const values = await once(file, 'values');
    for (const r of [keyed, values]) if (r.records !== ENTITIES * DAYS) throw new Error(`${BENCH}: read ${r.records} records, expected ${ENTITIES * DAYS}`);
    progress(`${BENCH}: keyed ${keyed.maxRssMb.toFixed(0)} MB in ${keyed.seconds.toFixed(2)} s; Object.values ${values.maxRssMb.toFixed(0)} MB in ${values.seconds.toFixed(2)} s`);
    return [
      figure({ bench: BENCH, metric: 'peak RSS', unit: 'MB', dif: keyed.maxRssMb, baseline: values.maxRssMb, baselineName: 'records "Object.values(response).flat()" (whole document in the sandbox), same file', higherIsBetter: false }),
      figure({ bench: BENCH, metric: 'seconds', unit: 's', dif: keyed.seconds, baseline: values.seconds, baselineName: 'records "Object.values(response).flat()", same file', higherIsBetter: false }),
    ];
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
