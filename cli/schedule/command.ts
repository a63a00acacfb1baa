import type { Command } from 'commander';
import { ScheduleNotFoundError } from '@temporalio/client';
import { InputError } from '../../core/run-plan';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { connectTemporal } from '../shared/temporal-client';
import { createSchedule, listSchedules, scheduledInput, scheduleId } from './schedule';
import { printJson, printTable } from '../shared/render';
import { withRuntime } from '../shared/runtime';
import { requireCustomerVendor } from '../shared/customer-check';

async function withClient(work: (client: Awaited<ReturnType<typeof connectTemporal>>['client']) => Promise<void>): Promise<void> {
  const { client, close } = await connectTemporal(loadSettings());
  try {
    await work(client);
  } finally {
    await close();
  }
}

/** `dif schedule`: recurring ingestion of a vendor for a customer, as a Temporal Schedule. */
export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('recurring daily ingestion, as Temporal Schedules');
  schedule
    .command('create')
    .argument('<vendor>')
    .requiredOption('--customer <id>')
    .option('--hour <h>', 'hour of day, UTC', '3')
    .option('--lookback <days>', 'also reload this many days before yesterday', '0')
    .option('--stream <name...>', 'only these streams')
    .option('--json', 'one JSON line')
    .action((vendor: string, opts: { customer: string; hour: string; lookback: string; stream?: string[]; json?: boolean }) => {
      const settings = loadSettings();
      const vendorConfigs = new VendorConfigs(settings.vendorsDir);
      const request = { vendor, customer: opts.customer, hour: Number(opts.hour), lookbackDays: Number(opts.lookback), streams: opts.stream };
      scheduledInput(vendorConfigs, request); // bad options refused before any service is asked
      return withClient(async (client) => {
        // A schedule for a customer that does not exist would fail every day, unseen.
        await withRuntime((runtime) => requireCustomerVendor(runtime.deps.customers, opts.customer, vendor), settings);
        const handle = await createSchedule(client, settings, vendorConfigs, request);
        if (opts.json) printJson({ scheduleId: handle.scheduleId, created: true });
        else console.log(`schedule ${handle.scheduleId}: daily at ${opts.hour}:00 UTC, window yesterday-${opts.lookback}d..yesterday`);
      });
    });
  schedule
    .command('list')
    .option('--json', 'one JSON line per schedule')
    .action((opts: { json?: boolean }) =>
      withClient(async (client) => {
        const rows = await listSchedules(client);
        if (opts.json) return rows.forEach(printJson);
        if (rows.length === 0) return console.log('no schedules');
        printTable(['schedule', 'state', 'summary', 'next run'], rows.map((r) => [r.scheduleId, r.paused ? 'paused' : 'active', r.summary ?? '', r.nextRun ?? '']));
      }),
    );
  for (const [name, verb] of [['pause', 'paused'], ['resume', 'resumed'], ['delete', 'deleted']] as const) {
    schedule
      .command(name)
      .argument('<vendor>')
      .requiredOption('--customer <id>')
      .option('--json', 'one JSON line')
      .action((vendor: string, opts: { customer: string; json?: boolean }) =>
        withClient(async (client) => {
          const handle = client.schedule.getHandle(scheduleId(vendor, opts.customer));
          try {
            if (name === 'pause') await handle.pause('paused with dif schedule pause');
            else if (name === 'resume') await handle.unpause('resumed with dif schedule resume');
            else await handle.delete();
          } catch (e) {
            // The server's own words ("workflow execution already completed") do not say what is wrong.
            if (e instanceof ScheduleNotFoundError) throw new InputError(`no schedule ${handle.scheduleId} (dif schedule list shows them)`);
            throw e;
          }
          if (opts.json) printJson({ scheduleId: handle.scheduleId, [verb]: true });
          else console.log(`schedule ${handle.scheduleId} ${verb}`);
        }),
      );
  }
}
