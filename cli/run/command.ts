import type { Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { connectTemporal } from '../shared/temporal-client';
import { runIngestion } from './run';
import { EXIT } from '../shared/exit-codes';

const json = (value: unknown) => console.log(JSON.stringify(value));

/** `dif run`: ingest one window and wait for it. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('ingest one window of a vendor for a customer, and wait for it')
    .argument('<vendor>', 'vendor id (a folder in vendors/)')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--stream <name...>', 'only these streams (default: all)')
    .option('--json', 'one JSON line per stream')
    .action(async (vendor: string, opts: { customer: string; from: string; to: string; stream?: string[]; json?: boolean }) => {
      const s = loadSettings();
      const { client, close } = await connectTemporal(s);
      try {
        const outcomes = await runIngestion(client, s, new VendorConfigs(s.vendorsDir), {
          vendor,
          customer: opts.customer,
          window: { from: opts.from, to: opts.to },
          streams: opts.stream,
        });
        for (const o of outcomes) {
          if (opts.json) {
            json({ workflowId: o.workflowId, status: o.status, recordsFetched: o.recordsFetched, rowsLoaded: o.rowsLoaded, uiUrl: o.uiUrl, ...(o.error ? { error: o.error } : {}) });
          } else {
            console.log(`${o.status === 'COMPLETED' ? '✓' : '✗'} ${o.workflowId}: ${o.status.toLowerCase()}`);
            if (o.error) console.log(`  error: ${o.error}`);
            else console.log(`  ${o.recordsFetched} records fetched, ${o.rowsLoaded} rows loaded (${o.summary?.rowsReplaced ?? 0} replaced)`);
            console.log(`  ${o.uiUrl}`);
          }
        }
        process.exitCode = outcomes.every((o) => o.status === 'COMPLETED') ? EXIT.ok : EXIT.runFailed;
      } finally {
        await close();
      }
    });
}
