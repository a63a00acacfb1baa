import type { Command } from 'commander';
import { InputError } from '../../core/run-plan';
import { positiveInt } from '../shared/options';
import { withRuntime } from '../shared/runtime';
import { printJson } from '../shared/render';
import { runTrial, type TrialRequest } from './trial';
import { printTrialEvent } from './render';
import { asCliError } from '../shared/activity-failures';

export interface TrialOpts {
  customer: string;
  stream: string;
  from?: string;
  to?: string;
  pages: string;
  baseUrl?: string;
  partition?: string;
}

/** The most pages `--pages` allows: a trial costs a handful of calls, not a backfill. */
const MAX_TRIAL_PAGES = 50;
export const DEFAULT_TRIAL_PAGES = '3';

/** The trial a command's options ask for; yesterday (UTC) when no window is given. */
export function trialRequest(target: string, opts: TrialOpts): TrialRequest {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const from = opts.from ?? opts.to ?? yesterday;
  if (opts.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(opts.baseUrl)) throw new InputError(`--base-url must be an http(s) URL, got "${opts.baseUrl}"`);
  return {
    target,
    customer: opts.customer,
    stream: opts.stream,
    window: { from, to: opts.to ?? from },
    pages: positiveInt(opts.pages, '--pages', MAX_TRIAL_PAGES),
    ...(opts.baseUrl !== undefined ? { baseUrl: opts.baseUrl } : {}),
    ...(opts.partition !== undefined ? { partition: opts.partition } : {}),
  };
}

/** The options `dif try` and `dif fixtures record` share. */
export function trialOptions(command: Command): Command {
  return command
    .argument('<vendor>', 'vendor id (a folder in vendors/) or the path of a config file')
    .requiredOption('--customer <id>', 'customer id (inputs and credentials from MySQL, as in a run)')
    .requiredOption('--stream <name>', 'the stream to try')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: yesterday, UTC)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: --from)')
    .option('--pages <n>', `stop each pagination after this many pages, at most ${MAX_TRIAL_PAGES}`, DEFAULT_TRIAL_PAGES)
    .option('--base-url <url>', "call this base URL instead of the config's (a sandbox, a mock)")
    .option('--partition <id>', "a partitioned stream's partition (default: the first the customer's inputs list)");
}

/** `dif try`: a stream's steps in this process, each call and decision shown as it happens. */
export function registerTry(program: Command): void {
  trialOptions(program.command('try').description("run a stream's steps here, without Temporal or the warehouse, showing each request, page decision, records and the CSV"))
    .option('--json', 'one JSON line per event')
    .action(async (target: string, opts: TrialOpts & { json?: boolean }) => {
      const request = trialRequest(target, opts);
      await withRuntime(async (runtime) => {
        await runTrial(runtime.deps, request, (event) => (opts.json ? printJson(event) : printTrialEvent(event))).catch((e) => asCliError(e, `dif try ${target} --stream ${opts.stream}`));
      });
    });
}
