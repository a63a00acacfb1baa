/**
 * One preprocessor run in a process of its own, so its peak RSS is its own:
 *   node preprocess-child.js <object-store-dir> <input-key>
 * Prints {"records","rows","seconds","cpuSeconds","maxRssMb"} on stdout.
 */
import { LocalObjectStore } from '../adapters/object-store/local-object-store';
import { preprocess } from '../adapters/csv-output/preprocess';
import { outputKeys } from '../core/output-plan';
import { BENCH_TABLE } from './fixtures';
import { processCpuSeconds } from './report';

async function main(): Promise<void> {
  const [root, key] = process.argv.slice(2);
  const store = new LocalObjectStore(root);
  const start = process.hrtime.bigint();
  const summary = await preprocess({
    store,
    pages: [{ key, records: 'response', where: 'bench', decode: { format: 'json', compression: 'none' } }],
    table: BENCH_TABLE,
    tableWhere: 'bench',
    facts: { customer: 'bench', vendor: 'bench', stream: 'bench', windowFrom: '2000-01-01', windowTo: '2030-01-01', runId: 'bench-run', extractedAt: new Date().toISOString() },
    sandbox: {},
    keys: outputKeys('out'),
    partBytes: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // maxRSS is in kilobytes: the process's high-water mark, including V8 and every buffer.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ records: summary.records, rows: summary.rows, parts: summary.parts.length, seconds, cpuSeconds: processCpuSeconds(), maxRssMb })}\n`);
}

main().catch((e) => {
  process.stderr.write(`preprocess-child: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
