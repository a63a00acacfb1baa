import { ApplicationFailure } from '@temporalio/common';
import { Scrubber } from './secret-scrub';

export { NON_RETRYABLE } from '../core/failure-types';

export function finalFailure(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

export function retryableFailure(type: string, message: string, nextRetryDelayMs?: number): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: false,
    ...(nextRetryDelayMs !== undefined ? { nextRetryDelay: nextRetryDelayMs } : {}),
  });
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
