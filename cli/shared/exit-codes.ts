import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { ServiceDownError } from '../../adapters/health';
import { ConfigError } from '../../interpreter/validate';
import { InputError } from '../../interpreter/run-plan';
import { UnknownVendorError } from '../../adapters/vendor-configs';

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, serviceDown: 3 } as const;

/** Maps an error to its exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ServiceDownError) return EXIT.serviceDown;
  // An id that names no run or schedule is the operator's input, not a failed run.
  if (error instanceof WorkflowNotFoundError || error instanceof ScheduleNotFoundError) return EXIT.usage;
  if (error instanceof ConfigError || error instanceof InputError || error instanceof UnknownVendorError) return EXIT.usage;
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
  return EXIT.runFailed;
}
