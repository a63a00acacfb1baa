#!/usr/bin/env node
/**
 * `dif`: the operator's command line. One folder per command group in cli/<group>/: command.ts wires
 * it into commander, the files beside it do the work; cli/shared/ holds what several use.
 * Exit codes (stable, for scripts): 0 success · 1 a run failed · 2 bad usage, input or
 * config · 3 a service is down.
 */
import { Command } from 'commander';
import { exitCodeFor } from './shared/exit-codes';
import { registerRun } from './run/command';
import { registerValidate } from './validate/command';
import { registerDb } from './db/command';
import { registerCustomers } from './customers/command';
import { registerCredentials } from './credentials/command';
import { registerLocks } from './locks/command';
import { registerBackfill } from './backfill/command';
import { registerRuns } from './runs/command';
import { registerSchedule } from './schedule/command';

export { EXIT, exitCodeFor } from './shared/exit-codes';

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
