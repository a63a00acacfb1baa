/**
 * One log line per activity execution (a step of a run): its name, the run's vendor,
 * customer, stream and partition, its outcome and duration. Written through the activity's
 * context logger, which adds the workflow id, run id and attempt, and which the secret scope
 * has made scrubbing; the Runtime logger turns it into a JSON line (runtime/logging).
 * Never the arguments themselves: they may hold customer inputs.
 */
import { Context } from '@temporalio/activity';

interface RunFields {
  vendor?: string;
  customer?: string;
  stream?: string;
  partition?: string;
}

/** The run an activity works for, from its first argument (`{ run }`, or the run's fields themselves as prepareRun takes them). */
export function runFieldsOf(args: unknown[]): RunFields {
  const first = args[0] as { run?: RunFields } & RunFields | undefined;
  const run = first?.run ?? first;
  const fields: RunFields = {};
  for (const key of ['vendor', 'customer', 'stream', 'partition'] as const) {
    const value = run?.[key];
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

export async function loggedStep<R>(step: string, args: unknown[], work: () => Promise<R>): Promise<R> {
  const log = contextLog();
  if (!log) return work();
  const startedAt = Date.now();
  const fields = { step, ...runFieldsOf(args) };
  try {
    const result = await work();
    log.info('step completed', { ...fields, outcome: 'completed', ms: Date.now() - startedAt });
    return result;
  } catch (e) {
    // The failure's type only: its message is the SDK's own failure line, scrubbed there.
    const errorType = (e as { type?: string; name?: string }).type ?? (e as Error).name;
    // A full semaphore is a wait, polled by retries: hundreds of waiting runs would flood the log at INFO.
    const level = errorType === 'SemaphoreBusy' ? 'debug' : 'info';
    log[level]('step failed', { ...fields, outcome: 'failed', errorType, ms: Date.now() - startedAt });
    throw e;
  }
}

function contextLog(): Context['log'] | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined; // called directly (unit tests, benchmarks): no activity logger
  }
}
