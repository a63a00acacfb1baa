#!/usr/bin/env node
/**
 * `dif`: the operator's command line. One folder per command group in cli/<group>/: command.ts wires
 * it into commander, the files beside it do the work; cli/shared/ holds what several use.
 * Exit codes (stable, for scripts): 0 success · 1 a run failed · 2 bad usage, input or
 * config · 3 a service is down.
 */
import { Command } from 'commander';
import { loadSettings } from '../adapters/settings';
import { exitCodeFor } from './shared/exit-codes';
import { explainServiceError } from './shared/service-errors';
import { registerRun } from './run/command';
import { registerValidate } from './validate/command';
import { registerDb } from './db/command';
import { registerCustomers } from './customers/command';
import { registerCredentials } from './credentials/command';
import { registerLocks } from './locks/command';
import { registerBackfill } from './backfill/command';
import { registerRuns } from './runs/command';
import { registerSchedule } from './schedule/command';
import { registerVendors } from './vendors/command';
import { registerState } from './state/command';
import { registerScaffold } from './scaffold/command';
import { registerTry } from './try/command';
import { registerCheck } from './check/command';
import { registerFixtures } from './fixtures/command';
import { registerFreshness } from './freshness/command';
import { registerServe } from './serve/command';

export { EXIT, exitCodeFor } from './shared/exit-codes';

export function buildProgram(): Command {
  // exitOverride before the commands are added: commander copies it into each one then, so a
  // subcommand's usage error is thrown to us (exit 2) instead of calling process.exit(1) itself.
  const program = new Command('dif').description('DIF, the Data Ingestion Framework').showHelpAfterError().exitOverride();
  for (const register of [registerRun, registerValidate, registerDb, registerCustomers, registerCredentials, registerLocks, registerBackfill, registerRuns, registerSchedule, registerVendors, registerState, registerTry, registerCheck, registerFixtures, registerScaffold, registerFreshness, registerServe]) register(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((thrown: unknown) => {
      // Commands explain the services they use; this catches what slipped past (e.g. a driver error in a rarely used path).
      let e = thrown;
      try {
        e = explainServiceError(thrown, loadSettings());
      } catch {
        // unreadable settings: report the original error
      }
      const raw = (e as { code?: unknown } | null | undefined)?.code;
      const code = typeof raw === 'string' ? raw : '';
      // Commander has printed its own message (usage errors, help) already.
      if (!code.startsWith('commander.')) console.error(`dif: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(exitCodeFor(e));
    });
}
