/**
 * A process that runs DIF's loader and stops dead between COPY and merge, for the crash
 * test: it prints "staged" once the rows are in the staging table, then waits to be killed.
 *   node -r ./test/setup/ts-register.js test/setup/load-child.ts <schema> <table-json> <csv-file> [<audit-json> [<child-files-json>]]
 * (the audit names the run's customer, window and partition, which `replaceWindow` needs;
 * the child files, `{"<child table>": "<csv file>"}`, a table with child tables).
 */
import fs from 'node:fs';
import pg from 'pg';
import { postgresWarehouseOn } from '../../adapters/warehouse/postgres';
import { TEST_POSTGRES_URL } from './test-settings';

async function main(): Promise<void> {
  const [schema, tableJson, csvFile, auditJson, childFilesJson] = process.argv.slice(2);
  const pool = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
  const loader = postgresWarehouseOn(pool, schema);
  loader.afterStage = async () => {
    process.stdout.write('staged\n');
    await new Promise(() => undefined);
  };
  const csv = (file: string) => [{ open: async () => fs.createReadStream(file), gzip: false }];
  const childFiles: Record<string, string> = childFilesJson ? JSON.parse(childFilesJson) : {};
  const childParts = Object.fromEntries(Object.entries(childFiles).map(([table, file]) => [table, csv(file)]));
  await loader.load(JSON.parse(tableJson), csv(csvFile), auditJson && auditJson !== 'null' ? JSON.parse(auditJson) : undefined, {}, childParts);
}

void main();
