import { ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import { ServiceDownError, ServiceNotReadyError } from '../../adapters/health';
import { ConfigError } from '../../core/validate';
import { InputError } from '../../core/run-plan';
import { UnknownVendorError } from '../../core/errors';
import { CredentialValueError } from '../../adapters/mysql/credentials';

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, serviceDown: 3 } as const;

/** Maps an error to its exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ServiceDownError || error instanceof ServiceNotReadyError) return EXIT.serviceDown;
  // An id that names no run or schedule is the operator's input, not a failed run.
  if (error instanceof WorkflowNotFoundError || error instanceof ScheduleNotFoundError) return EXIT.usage;
  if (error instanceof ConfigError || error instanceof InputError || error instanceof UnknownVendorError) return EXIT.usage;
  if (error instanceof CredentialValueError) return EXIT.usage;
  const e = error as { code?: unknown; exitCode?: unknown } | null | undefined;
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    // --help and --version end with commander's exit code 0; every other commander error is bad usage.
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return EXIT.runFailed;
}
