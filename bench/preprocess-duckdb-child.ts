/**
 * The DuckDB baseline of the preprocess bench, in a process of its own so its peak RSS is
 * its own: what a data engineer would reach for. `read_json` of the same file with the
 * bench table's types → `COPY … TO` gzip CSV with the same columns in the same order
 * (spend from micros as a decimal, the three metadata columns as constants).
 *   node preprocess-duckdb-child.js <input.json> <output.csv.gz> <threads>
 * Prints {"rows","seconds","cpuSeconds","maxRssMb"} on stdout.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { processCpuSeconds } from './report';

/** A SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

async function main(): Promise<void> {
  const [input, output, threads] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:', { threads: String(Number(threads) || 1) });
  const db = await instance.connect();
  const extractedAt = new Date().toISOString();
  const source =
    `read_json(${literal(input)}, format = 'array', columns = {campaign_id: 'VARCHAR', campaign_name: 'VARCHAR', "date": 'DATE', ` +
    `spend_micros: 'BIGINT', impressions: 'BIGINT', clicks: 'BIGINT'})`;
  const result = await db.run(
    `COPY (SELECT campaign_id, campaign_name, "date", (spend_micros::DECIMAL(38, 6) / 1000000)::DECIMAL(38, 6) AS spend, impressions, clicks, ` +
      `'bench' AS _dif_customer, 'bench-run' AS _dif_run_id, TIMESTAMPTZ ${literal(extractedAt)} AS _dif_extracted_at FROM ${source}) ` +
      `TO ${literal(output)} (FORMAT csv, HEADER true, COMPRESSION gzip)`,
  );
  const rows = Number(result.rowsChanged);
  db.closeSync();
  instance.closeSync();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ rows, seconds, cpuSeconds: processCpuSeconds(), maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((e) => {
  process.stderr.write(`preprocess-duckdb-child: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
