#!/usr/bin/env node
/**
 * `dif`: the operator's command line. One file per command group in cli/commands/.
 * Exit codes (stable, for scripts): 0 success · 1 a run failed · 2 bad usage, input or
 * config · 3 a service is down.
 */
import { Command } from 'commander';
import { exitCodeFor } from './exit-codes';
import { registerRun } from './commands/run';
import { registerValidate } from './commands/validate';
import { registerDb } from './commands/db';
import { registerCustomers } from './commands/customers';
import { registerCredentials } from './commands/credentials';
import { registerLocks } from './commands/locks';
import { registerBackfill } from './commands/backfill';
import { registerRuns } from './commands/runs';
import { registerSchedule } from './commands/schedule';

export { EXIT, exitCodeFor } from './exit-codes';

export function buildProgram(): Command {
  const program = new Command('dif').description('DIF, the Data Ingestion Framework').showHelpAfterError();
  for (const register of [registerRun, registerValidate, registerDb, registerCustomers, registerCredentials, registerLocks, registerBackfill, registerRuns, registerSchedule]) register(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      const raw = (e as { code?: unknown } | null | undefined)?.code;
      const code = typeof raw === 'string' ? raw : '';
      if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') process.exit(0);
      if (!code.startsWith('commander.')) console.error(`dif: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(exitCodeFor(e));
    });
}
