import { ApplicationFailure } from '@temporalio/common';
import { failureOf } from '../core/errors';
import type { FinalFailureType, RetryableFailureType } from '../core/failure-types';
import { Scrubber } from './secret-scrub';

export function finalFailure(type: FinalFailureType, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export function retryableFailure(type: RetryableFailureType, message: string, nextRetryDelayMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: false,
    ...(nextRetryDelayMs !== undefined ? { nextRetryDelay: nextRetryDelayMs } : {}),
  });
}

/**
 * What an activity lets out: one of DIF's errors becomes the failure the registry
 * (core/errors.ts) names for it, with the same message; anything else (a failure already
 * built, a driver's error, a cancellation) is returned unchanged. The activity wrapper
 * (index.ts) applies it to everything an activity throws.
 */
export function toFailure(error: unknown): unknown {
  const failure = failureOf(error);
  if (!failure) return error;
  return ApplicationFailure.create({ type: failure.type, message: (error as Error).message, nonRetryable: !failure.retryable });
}

/**
 * Removes every secret value, in every spelling (secret-forms.ts), from a text before it
 * can reach an error, a log or history. Activities need not call it for their failures:
 * withSecretScope (secret-scope.ts) scrubs everything that leaves an activity of what was
 * revealed in it. This is for texts that go elsewhere (a stored body, a returned message).
 */
export function redact(text: string, secrets: (string | undefined)[]): string {
  return new Scrubber(secrets).scrub(text);
}
