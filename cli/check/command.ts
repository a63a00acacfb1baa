import type { Command } from 'commander';
import { withRuntime } from '../shared/runtime';
import { printJson } from '../shared/render';
import { EXIT } from '../shared/exit-codes';
import { asCliError } from '../shared/activity-failures';
import { runCheck } from './check';

/** `dif check`: does this customer's setup work, before its first run? */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description("make the vendor's check call (config `check`) for a customer: proves its credentials and inputs work, or shows the vendor's message")
    .argument('<vendor>', 'vendor id (a folder in vendors/)')
    .requiredOption('--customer <id>', 'customer id')
    .option('--json', 'one JSON line')
    .action(async (vendor: string, opts: { customer: string; json?: boolean }) => {
      const outcome = await withRuntime((runtime) => runCheck(runtime.deps, vendor, opts.customer)).catch((e) => asCliError(e, `dif check ${vendor} --customer ${opts.customer}`));
      if (opts.json) printJson(outcome);
      else if (outcome.ok) console.log(`✓ ${vendor}, customer ${opts.customer}: ${outcome.request} answered ${outcome.status} in ${outcome.ms} ms; the credentials and inputs work`);
      else {
        console.log(`✗ ${vendor}, customer ${opts.customer}: ${outcome.request} answered ${outcome.status} in ${outcome.ms} ms, but $.check.success does not hold: ${outcome.message}`);
        if (outcome.docs) console.log(`  the call: ${outcome.docs}`);
      }
      process.exitCode = outcome.ok ? EXIT.ok : EXIT.runFailed;
    });
}
