import path from 'node:path';
import type { Command } from 'commander';
import { loadSettings, projectRoot } from '../../adapters/settings';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { createWarehouse } from '../../adapters/warehouse/registry';
import { explainServiceError } from '../shared/service-errors';

/** `dif db`: schemas and databases. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('databases');
  db.command('migrate')
    .description('create or upgrade the MySQL schema and create the warehouse database')
    .option('--json', 'one JSON line')
    .action(async (opts: { json?: boolean }) => {
      const s = loadSettings();
      let applied: string[];
      try {
        applied = await migrateMysql(s.mysqlUrl, path.join(projectRoot(), 'migrations', 'mysql'));
        const warehouse = createWarehouse(s);
        await warehouse.prepare().finally(() => warehouse.close());
      } catch (e) {
        throw explainServiceError(e, s);
      }
      if (opts.json) console.log(JSON.stringify({ applied }));
      else console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
    });
}
