import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { connectTemporal, uiUrl } from '../shared/temporal-client';
import { MAX_PARALLEL, parseWindowDays, planBackfill, startBackfill, watchBackfill, type BackfillPlan } from './backfill';
import type { BackfillProgress } from '../../workflows/backfill-types';
import { printJson, printTable } from '../shared/render';
import { EXIT } from '../shared/exit-codes';
import { positiveInt } from '../shared/options';
import { withRuntime } from '../shared/runtime';
import { requireCustomerVendor } from '../shared/customer-check';

interface Opts {
  customer: string;
  from: string;
  to: string;
  window?: string;
  parallel: string;
  stream?: string[];
  dryRun?: boolean;
  json?: boolean;
}

/** `dif backfill`: many windows, run in Temporal with bounded parallelism, watched from here. */
export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('ingest a date range window by window, in Temporal, N windows at a time; re-running skips completed windows')
    .argument('<vendor>', 'vendor id')
    .requiredOption('--customer <id|all>', "a customer id, or 'all' for every customer using the vendor")
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--window <days>', 'days per window, e.g. 7d (default and ceiling: the vendor maxDays)')
    .option('--parallel <n>', `windows running at once, 1 to ${MAX_PARALLEL}`, '2')
    .option('--stream <name...>', 'only these streams')
    .option('--dry-run', 'show the plan, start nothing')
    .option('--json', 'JSON output: the plan, then the results')
    .action(async (vendor: string, opts: Opts) => {
      const parallel = positiveInt(opts.parallel, '--parallel', MAX_PARALLEL);
      const settings = loadSettings();
      const customers = await customersOf(vendor, opts.customer);
      const { client, close } = await connectTemporal(settings);
      try {
        const plan = await planBackfill(client, new VendorConfigs(settings.vendorsDir), {
          vendor,
          customer: opts.customer,
          customers,
          from: opts.from,
          to: opts.to,
          windowDays: opts.window ? parseWindowDays(opts.window) : undefined,
          streams: opts.stream,
          parallel,
        });
        showPlan(plan, opts.json);
        if (opts.dryRun) return;
        const handle = await startBackfill(client, settings, plan);
        const link = uiUrl(settings, handle.workflowId, handle.firstExecutionRunId);
        if (!opts.json) {
          console.log(`backfill ${handle.workflowId} runs in Temporal: ${link}`);
          console.log('Ctrl-C stops watching, not the backfill; re-run the same command to watch again.');
        }
        // Ctrl-C ends this process only; the backfill workflow keeps running in Temporal.
        process.once('SIGINT', () => {
          bar?.stop();
          console.log(`\nstopped watching; ${handle.workflowId} goes on (dif status '${handle.workflowId}', or dif cancel to stop it)`);
          process.exit(130);
        });
        const bar = !opts.json ? new SingleBar({ format: ' {bar} {value}/{total} windows | {completed} done {skipped} skipped {failed} failed {running} running', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic) : undefined;
        bar?.start(plan.items.length, 0, counts(undefined));
        const final = await watchBackfill(handle, (p) => bar?.update(p.completed + p.failed + p.skipped, counts(p)));
        bar?.stop();
        showResults(final, handle.workflowId, link, opts.json);
        process.exitCode = final.failed > 0 ? EXIT.runFailed : EXIT.ok;
      } finally {
        await close();
      }
    });
}

/** 'all': every customer using the vendor; one id: checked now, so a typo fails before any window starts. */
async function customersOf(vendor: string, customer: string): Promise<string[]> {
  return withRuntime(async (runtime) => {
    if (customer === 'all') return runtime.deps.customers.listCustomersOfVendor(vendor);
    await requireCustomerVendor(runtime.deps.customers, customer, vendor);
    return [customer];
  });
}

function counts(p: BackfillProgress | undefined) {
  return { completed: p?.completed ?? 0, skipped: p?.skipped ?? 0, failed: p?.failed ?? 0, running: p?.running ?? 0 };
}

function showPlan(plan: BackfillPlan, json?: boolean): void {
  if (json) {
    printJson({ backfillId: plan.backfillId, parallel: plan.input.parallel, windows: plan.items.map((i) => ({ workflowId: i.workflowId, lastStatus: i.lastStatus })) });
    return;
  }
  const done = plan.items.filter((i) => i.lastStatus === 'COMPLETED').length;
  console.log(`plan ${plan.backfillId}: ${plan.items.length} windows, ${done} already completed (skipped), ${plan.items.length - done} to run, ${plan.input.parallel} at a time`);
  const running = plan.items.filter((i) => i.lastStatus === 'RUNNING').length;
  // Temporal refuses to start a window that is running, so the backfill counts it as skipped.
  if (running) console.log(`${running} window(s) are running now (under this backfill, or started elsewhere); they are not started again`);
  printTable(
    ['customer', 'stream', 'window', 'last run'],
    plan.items.map((i) => [i.customer, i.stream, `${i.window.from}..${i.window.to}`, i.lastStatus === 'COMPLETED' ? 'COMPLETED (skip)' : i.lastStatus]),
  );
}

export function showResults(p: BackfillProgress, backfillId: string, link: string, json?: boolean): void {
  if (json) {
    printJson({ backfillId, uiUrl: link, total: p.total, completed: p.completed, skipped: p.skipped, failed: p.failed, windows: p.items });
    return;
  }
  printTable(
    ['customer', 'stream', 'window', 'result', 'records', 'rows', 'error'],
    p.items.map((i) => [i.customer, i.stream, `${i.window.from}..${i.window.to}`, i.status, i.recordsFetched ?? '', i.rowsLoaded ?? '', (i.error ?? '').slice(0, 60)]),
  );
  console.log(`${p.completed} completed, ${p.skipped} skipped, ${p.failed} failed of ${p.total} windows${p.failed ? `; \`dif retry ${backfillId}\` re-runs the failed ones` : ''}`);
}
