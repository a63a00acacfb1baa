import type { Command } from 'commander';
import { withRuntime } from '../shared/runtime';
import { connectTemporal } from '../shared/temporal-client';
import { printJson, printTable } from '../shared/render';
import { EXIT } from '../shared/exit-codes';
import { NEEDS_ATTENTION } from '../../core/freshness';
import { listQuery } from '../runs/runs';
import { freshnessRows, type FreshnessRow } from './freshness';
import { alertsFrom, type RunAlerts } from '../../adapters/alerts/run-alerts';
import { webUiRunsLink, type Settings } from '../../adapters/settings';
import { InputError } from '../../core/run-plan';

/** `dif freshness`: which customers' data is late or failing; exits 1 when any is, for cron and CI. */
export function registerFreshness(program: Command): void {
  program
    .command('freshness')
    .description('every customer × vendor × stream: last loaded window, lag, and fresh/late/failing; exits 1 when something is late or failing')
    .option('--vendor <vendor>')
    .option('--customer <id>')
    .option('--json', 'one JSON line per customer × vendor × stream')
    .option('--alert', 'post a stream that turned late to the alert webhook (DIF_ALERT_WEBHOOK_URL), once until it is fresh again')
    .action((opts: { vendor?: string; customer?: string; json?: boolean; alert?: boolean }) => {
      listQuery(opts); // a bad filter is refused before connecting
      return withRuntime(async (runtime, settings) => {
        const alerts = opts.alert ? alertsFrom(settings, runtime.redis, (message, meta) => console.error(`dif freshness: ${message} ${JSON.stringify(meta)}`)) : undefined;
        if (opts.alert && !alerts) throw new InputError('--alert needs the alert webhook: set DIF_ALERT_WEBHOOK_URL');
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
          if (alerts) await alertLateStreams(alerts, settings, rows);
          if (rows.some((r) => NEEDS_ATTENTION.has(r.state))) process.exitCode = EXIT.runFailed;
        } finally {
          await temporal.close();
        }
      });
    });
}

/** Late streams open (and post) their incident; all others close theirs. */
async function alertLateStreams(alerts: RunAlerts, settings: Settings, rows: FreshnessRow[]): Promise<void> {
  for (const r of rows) {
    const late = r.state === 'late';
    await alerts.freshness({
      vendor: r.vendor,
      customer: r.customer,
      stream: r.stream,
      late,
      ...(r.lastLoadedWindow ? { window: r.lastLoadedWindow } : {}),
      detail: late ? `nothing loaded after ${r.lastLoadedWindow?.to} (${r.lagHours} h ago); the next window was due ${r.nextDue} (dueHours ${r.dueHours})` : '',
      link: webUiRunsLink(settings, `DifVendor="${r.vendor}" AND DifCustomer="${r.customer}" AND DifStream="${r.stream}"`),
    });
  }
}
