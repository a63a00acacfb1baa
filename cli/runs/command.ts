import type { Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { InputError } from '../../core/run-plan';
import { connectTemporal, uiUrl } from '../shared/temporal-client';
import { backfillInputOf, cancelRun, listQuery, listRuns, retryFailedPartitions, runStatus, runTypeOf } from './runs';
import { MAX_PARALLEL, parseWindowDays, planBackfill, startBackfill, watchBackfill } from '../backfill/backfill';
import { printJson, printTable } from '../shared/render';
import { showResults } from '../backfill/command';
import { EXIT } from '../shared/exit-codes';
import { positiveInt } from '../shared/options';

async function withTemporal<T>(work: (t: Awaited<ReturnType<typeof connectTemporal>>, settings: ReturnType<typeof loadSettings>) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  const temporal = await connectTemporal(settings);
  try {
    return await work(temporal, settings);
  } finally {
    await temporal.close();
  }
}

/** `dif status`, `dif list`, `dif cancel`, `dif retry`: runs as Temporal sees them. */
export function registerRuns(program: Command): void {
  program
    .command('status')
    .description('the state of one run or backfill')
    .argument('<workflowId>')
    .option('--json', 'one JSON line')
    .action((workflowId: string, opts: { json?: boolean }) =>
      withTemporal(async ({ client }, settings) => {
        const s = await runStatus(client, settings, workflowId);
        if (opts.json) return printJson(s);
        console.log(`${s.workflowId} (${s.type}): ${s.status}`);
        if (s.vendor) console.log(`  vendor ${s.vendor}, customer ${s.customer}${s.stream ? `, stream ${s.stream}` : ''}${s.partition ? `, partition ${s.partition}` : ''}`);
        console.log(`  started ${s.startTime}${s.closeTime ? `, closed ${s.closeTime}` : ''}`);
        if (s.summary) console.log(`  ${s.summary}`);
        if (s.failedPartitions) console.log(`  failed partitions: ${s.failedPartitions.join(', ')}; \`dif retry ${s.workflowId}\` runs only those`);
        if (s.progress) console.log(`  windows: ${s.progress.completed} completed, ${s.progress.skipped} skipped, ${s.progress.failed} failed, ${s.progress.running} running, ${s.progress.pending} pending of ${s.progress.total}`);
        console.log(`  ${s.uiUrl}`);
      }),
    );

  program
    .command('list')
    .description('runs, newest first, filtered through Temporal visibility')
    .option('--vendor <vendor>')
    .option('--customer <id>')
    .option('--status <status>', 'running, completed, failed, canceled, terminated, timed_out')
    .option('--since <date>', 'started on or after this day, YYYY-MM-DD')
    .option('--type <type>', 'workflow type: ingest, backfill, scheduledIngest')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'one JSON line per run')
    .action((opts: { vendor?: string; customer?: string; status?: string; since?: string; type?: string; limit: string; json?: boolean }) => {
      const filter = { ...opts, limit: positiveInt(opts.limit, '--limit', 10_000) };
      listQuery(filter); // a bad filter is refused before connecting
      return withTemporal(async ({ client }, settings) => {
        const runs = await listRuns(client, settings, filter);
        if (opts.json) return runs.forEach(printJson);
        if (runs.length === 0) return console.log('no runs match');
        printTable(
          ['workflow id', 'type', 'status', 'started', 'summary'],
          runs.map((r) => [r.workflowId, r.type, r.status, r.startTime.slice(0, 19).replace('T', ' '), r.summary ?? '']),
        );
      });
    });

  program
    .command('cancel')
    .description('cancel a run or a backfill: semaphores are released and vendor jobs cancelled')
    .argument('<workflowId>')
    .option('--json', 'one JSON line')
    .action((workflowId: string, opts: { json?: boolean }) =>
      withTemporal(async ({ client }) => {
        await cancelRun(client, workflowId);
        if (opts.json) printJson({ workflowId, cancelRequested: true });
        else console.log(`cancellation requested for ${workflowId}`);
      }),
    );

  program
    .command('retry')
    .description('re-run the windows of a backfill that did not complete (completed ones are skipped), or the partitions of a run that failed (the others loaded)')
    .argument('[workflowId]', 'a backfill, or a partitioned stream\'s run')
    .option('--vendor <vendor>')
    .option('--customer <id>')
    .option('--from <date>')
    .option('--to <date>')
    .option('--window <days>', 'as given to the backfill: the same windows, so the same ids')
    .option('--parallel <n>', `windows at once, 1 to ${MAX_PARALLEL} (default: as before)`)
    .option('--json', 'JSON results')
    .action((backfillId: string | undefined, opts: { vendor?: string; customer?: string; from?: string; to?: string; window?: string; parallel?: string; json?: boolean }) => {
      const parallel = opts.parallel === undefined ? undefined : positiveInt(opts.parallel, '--parallel', MAX_PARALLEL);
      return withTemporal(async ({ client }, settings) => {
        let plan;
        if (backfillId && (await runTypeOf(client, backfillId)) === 'ingest') {
          const { partitions, outcome } = await retryFailedPartitions(client, settings, backfillId);
          if (opts.json) printJson({ ...outcome, retriedPartitions: partitions });
          else {
            console.log(`retrying ${partitions.length} failed partition(s) of ${backfillId}: ${partitions.join(', ')}`);
            console.log(`${outcome.status}: ${outcome.rowsLoaded} rows loaded${outcome.error ? `; ${outcome.error}` : ''}`);
            console.log(`  ${outcome.uiUrl}`);
          }
          process.exitCode = outcome.status === 'COMPLETED' ? EXIT.ok : EXIT.runFailed;
          return;
        }
        if (backfillId) {
          const input = await backfillInputOf(client, backfillId);
          plan = { backfillId, input: { ...input, parallel: parallel ?? input.parallel }, items: [] };
        } else {
          if (!opts.vendor || !opts.customer || !opts.from || !opts.to) throw new InputError('give a backfill id, or --vendor, --customer, --from and --to');
          if (opts.customer === 'all') throw new InputError("retry by id a backfill of --customer all");
          plan = await planBackfill(client, new VendorConfigs(settings.vendorsDir), {
            vendor: opts.vendor, customer: opts.customer, customers: [opts.customer], from: opts.from, to: opts.to, windowDays: opts.window ? parseWindowDays(opts.window) : undefined, parallel: parallel ?? 2,
          });
        }
        const handle = await startBackfill(client, settings, plan);
        if (!opts.json) console.log(`retrying ${handle.workflowId}: windows that completed before are skipped`);
        const final = await watchBackfill(handle, () => undefined);
        showResults(final, handle.workflowId, uiUrl(settings, handle.workflowId, handle.firstExecutionRunId), opts.json);
        process.exitCode = final.failed > 0 ? EXIT.runFailed : EXIT.ok;
      });
    });
}
