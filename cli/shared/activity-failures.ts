/**
 * Activities run in the CLI (`dif try`, `dif check`, `dif fixtures record`) fail with
 * Temporal's ApplicationFailure of a DIF failure type (core/failure-types.ts). For the exit
 * code (cli/shared/exit-codes.ts), a failure of the operator's input or config becomes an
 * InputError (exit 2) with the same message; a vendor's refusal stays what it was (exit 1).
 */
import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../../core/run-plan';

/** Failure types that are the operator's to fix: a config, an input, a credential. */
const USAGE_TYPES = new Set(['ConfigError', 'UnknownVendorError', 'InputError', 'CredentialError', 'ExpressionError']);

/** A vendor (or data) failure: a run of the same config and credentials would fail the same way. */
export class VendorCallError extends Error {
  override name = 'VendorCallError';
}

/** Re-throws an activity's failure as the CLI's error, `where` (the step, the check) put before its message. */
export function asCliError(error: unknown, where: string): never {
  if (error instanceof ApplicationFailure) {
    const message = where ? `${where}: ${error.message}` : error.message;
    if (USAGE_TYPES.has(error.type ?? '')) throw new InputError(message);
    throw new VendorCallError(message);
  }
  throw error;
}
