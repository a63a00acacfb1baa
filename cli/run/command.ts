import type { Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { connectTemporal } from '../shared/temporal-client';
import { DEFAULT_MAX_RUN_WINDOWS, MAX_RUN_WINDOWS, planRun, runIngestion } from './run';
import { EXIT } from '../shared/exit-codes';
import { positiveInt } from '../shared/options';
import { withRuntime } from '../shared/runtime';
import { requireCustomerVendor } from '../shared/customer-check';
import { printJson } from '../shared/render';

interface Opts {
  customer: string;
  from: string;
  to: string;
  stream?: string[];
  maxWindows: string;
  maxWait?: string;
  json?: boolean;
}

/** The longest --max-wait: a week (a permit wait beyond that is an operational problem, not a wait). */
const MAX_WAIT_SECONDS = 7 * 24 * 3600;

/** `dif run`: ingest a few windows and wait for them. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('ingest one window of a vendor for a customer, and wait for it (longer ranges: dif backfill)')
    .argument('<vendor>', 'vendor id (a folder in vendors/)')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--stream <name...>', 'only these streams (default: all)')
    .option('--max-windows <n>', `refuse a range that starts more workflows (windows × streams) than this, at most ${MAX_RUN_WINDOWS}`, String(DEFAULT_MAX_RUN_WINDOWS))
    .option('--max-wait <seconds>', "longest wait for the vendor's permit, each time one is asked for (default: the config's semaphore.maxWaitSeconds)")
    .option('--json', 'one JSON line per stream')
    .action(async (vendor: string, opts: Opts) => {
      const s = loadSettings();
      const vendorConfigs = new VendorConfigs(s.vendorsDir);
      const request = {
        vendor,
        customer: opts.customer,
        window: { from: opts.from, to: opts.to },
        streams: opts.stream,
        maxWindows: positiveInt(opts.maxWindows, '--max-windows', MAX_RUN_WINDOWS),
        ...(opts.maxWait !== undefined ? { options: { maxWaitSeconds: positiveInt(opts.maxWait, '--max-wait', MAX_WAIT_SECONDS) } } : {}),
      };
      // Everything that can be refused is, before a workflow starts: the plan, then Temporal, then the customer.
      planRun(vendorConfigs, request);
      const { client, close } = await connectTemporal(s);
      try {
        await withRuntime((runtime) => requireCustomerVendor(runtime.deps.customers, opts.customer, vendor), s);
        const outcomes = await runIngestion(client, s, vendorConfigs, request);
        for (const o of outcomes) {
          if (opts.json) {
            printJson({ workflowId: o.workflowId, runId: o.runId, status: o.status, recordsFetched: o.recordsFetched, rowsLoaded: o.rowsLoaded, uiUrl: o.uiUrl, ...(o.error ? { error: o.error } : {}) });
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
