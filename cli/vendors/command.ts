import type { Command } from 'commander';
import { lifecycleOf, SUNSET_WARNING_DAYS, type VendorLifecycle } from '../../core/api-lifecycle';
import { EXIT } from '../shared/exit-codes';
import { shippedConfigs } from './shipped-configs';

/** `dif vendors lifecycle`: every vendor's API version and the days until its sunset. */
export function registerVendors(program: Command): void {
  const vendors = program.command('vendors').description('facts about the vendor configs');
  vendors
    .command('lifecycle')
    .description(`each vendor's API version and days to its sunset; exits 1 when one is past it (warns from ${SUNSET_WARNING_DAYS} days before)`)
    .option('--json', 'one JSON line per vendor')
    .option('--today <date>', 'count from this day (YYYY-MM-DD) instead of today')
    .action((opts: { json?: boolean; today?: string }) => {
      const today = opts.today ? new Date(`${opts.today}T00:00:00Z`) : new Date();
      const rows = shippedConfigs().map((config) => lifecycleOf(config, today));
      if (opts.json) for (const row of rows) console.log(JSON.stringify(row));
      else printTable(rows);
      process.exitCode = rows.some((r) => r.state === 'past-sunset') ? EXIT.runFailed : EXIT.ok;
    });
}

function printTable(rows: VendorLifecycle[]): void {
  const cells = rows.map((r) => [r.vendor, r.version ?? '—', r.sunset ?? '—', r.daysLeft === null ? '—' : String(r.daysLeft), r.state]);
  const header = ['VENDOR', 'VERSION', 'SUNSET', 'DAYS LEFT', 'STATE'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const line of [header, ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}
