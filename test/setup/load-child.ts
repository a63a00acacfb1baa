/**
 * A process that runs DIF's loader and stops dead between COPY and merge, for the crash
 * test: it prints "staged" once the rows are in the staging table, then waits to be killed.
 *   node -r ./test/setup/ts-register.js test/setup/load-child.ts <schema> <table-json> <csv-file> [<audit-json>]
 * (the audit names the run's customer, window and partition, which `replaceWindow` needs).
 */
import fs from 'node:fs';
import pg from 'pg';
import { PostgresLoader } from '../../adapters/warehouse/postgres-loader';
import { TEST_POSTGRES_URL } from './test-settings';

async function main(): Promise<void> {
  const [schema, tableJson, csvFile, auditJson] = process.argv.slice(2);
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  const loader = new PostgresLoader(pool, schema);
  loader.afterStage = async () => {
    process.stdout.write('staged\n');
    await new Promise(() => undefined);
  };
  await loader.load(JSON.parse(tableJson), [{ open: async () => fs.createReadStream(csvFile), gzip: false }], auditJson ? JSON.parse(auditJson) : undefined);
}

void main();
