/**
 * The retry loop of one vendor request inside the activity (issue 21, item 3). The
 * activity's own retry (Temporal, `retry.maxAttempts`) runs a whole pagination or batch, so
 * its budget would be spent across pages and its backoff would grow from page to page; here
 * each request has its own budget, starting again with the next request. A vendor failure
 * that is transient (VendorThrottled, VendorError, VendorUnavailable, retryable) is sent
 * again after the vendor's delay (Retry-After) or a backoff with jitter; every other
 * failure, a Retry-After too long to wait here, or a spent budget goes out to the activity.
 *
 * The waits keep nothing from heartbeating: underPermit (permits.ts) heartbeats on a timer
 * while the work runs, so a long Retry-After does not look like a dead worker. A stopped
 * activity (permit lost, run cancelled) stops waiting at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, msToNumber } from '@temporalio/common';
import { nextAttempt, type RequestRetryPolicy } from '../core/request-retry';

/** The failures a request may be retried for on its own: the vendor's, and transient. */
const PER_REQUEST_TYPES = new Set(['VendorThrottled', 'VendorError', 'VendorUnavailable']);

export interface RetryHooks {
  /** Aborts a wait (and the loop) when the activity stops. */
  stop?: AbortSignal;
  /** Told of every retry, for logs. */
  onRetry?: (failure: ApplicationFailure, attempt: number, waitMs: number) => void;
  random?: () => number;
  /** Failures this request must not be sent again for, though they are transient (an async job's submit that may have arrived). */
  notAgain?: (failure: ApplicationFailure) => boolean;
}

/**
 * Whether a failed request may have reached the vendor and done its work: no answer came
 * (a reset, a timeout), or a 2xx came without a readable body. A request that must not run
 * twice (an async job's submit) is not sent again for these.
 */
export function mayHaveArrived(e: unknown): boolean {
  if (!(e instanceof ApplicationFailure) || e.type === 'VendorUnavailable') return true;
  return /answered 2\d\d with (no body|a body that is not JSON)/.test(e.message);
}

export async function withRequestRetries<T>(policy: RequestRetryPolicy, attemptOnce: (attempt: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptOnce(attempt);
    } catch (e) {
      if (!retriesOnItsOwn(e) || hooks.notAgain?.(e)) throw e;
      const decision = nextAttempt(policy, attempt, delayOf(e), (hooks.random ?? Math.random)());
      if (!decision.retry) throw e;
      hooks.onRetry?.(e, attempt, decision.waitMs);
      if (decision.waitMs > 0) await sleep(decision.waitMs, undefined, hooks.stop ? { signal: hooks.stop } : {}).catch(() => { throw e; });
      if (hooks.stop?.aborted) throw e;
    }
  }
}

function retriesOnItsOwn(e: unknown): e is ApplicationFailure {
  return e instanceof ApplicationFailure && !e.nonRetryable && PER_REQUEST_TYPES.has(e.type ?? '');
}

/** The delay the vendor asked for (Retry-After, a query cost's refill), when it gave one. */
function delayOf(failure: ApplicationFailure): number | undefined {
  const delay = failure.nextRetryDelay;
  return delay === undefined || delay === null ? undefined : msToNumber(delay);
}
