import type { Command } from 'commander';
import { withRuntime } from '../shared/runtime';
import { connectTemporal } from '../shared/temporal-client';
import { printJson, printTable } from '../shared/render';
import { EXIT } from '../shared/exit-codes';
import { NEEDS_ATTENTION } from '../../core/freshness';
import { listQuery } from '../runs/runs';
import { freshnessRows } from './freshness';

/** `dif freshness`: which customers' data is late or failing; exits 1 when any is, for cron and CI. */
export function registerFreshness(program: Command): void {
  program
    .command('freshness')
    .description('every customer × vendor × stream: last loaded window, lag, and fresh/late/failing; exits 1 when something is late or failing')
    .option('--vendor <vendor>')
    .option('--customer <id>')
    .option('--json', 'one JSON line per customer × vendor × stream')
    .action((opts: { vendor?: string; customer?: string; json?: boolean }) => {
      listQuery(opts); // a bad filter is refused before connecting
      return withRuntime(async (runtime, settings) => {
        const temporal = await connectTemporal(settings);
        try {
          const rows = await freshnessRows(
            { configs: runtime.deps.vendorConfigs, customers: runtime.deps.customers, postgres: runtime.postgres, schema: settings.warehouseSchema, temporal: temporal.client },
            opts,
          );
          if (opts.json) rows.forEach(printJson);
          else if (rows.length === 0) console.log('no enabled customer matches');
          else {
            printTable(
              ['customer', 'vendor', 'stream', 'last window', 'lag h', 'due h', 'state'],
              rows.map((r) => [r.customer, r.vendor, r.stream, r.lastLoadedWindow ? `${r.lastLoadedWindow.from}..${r.lastLoadedWindow.to}` : '-', r.lagHours ?? '-', r.dueHours ?? '-', r.state]),
            );
          }
          if (rows.some((r) => NEEDS_ATTENTION.has(r.state))) process.exitCode = EXIT.runFailed;
        } finally {
          await temporal.close();
        }
      });
    });
}
