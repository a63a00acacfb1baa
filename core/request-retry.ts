/**
 * How one vendor request is retried inside the activity (config `retry.perRequest`): the
 * policy with its defaults, and the delay before each further attempt. Pure: the loop that
 * waits is activities/request-retry.ts.
 */
import type { VendorConfig } from './config-schema';

export interface RequestRetryPolicy {
  /** Attempts of one request, the first included. */
  maxAttempts: number;
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** A Retry-After longer than this is left to the activity's retry. */
  maxRetryAfterMs: number;
}

export const REQUEST_RETRY_DEFAULTS: RequestRetryPolicy = { maxAttempts: 5, initialIntervalMs: 500, maxIntervalMs: 30_000, maxRetryAfterMs: 120_000 };

export function requestRetryPolicy(config: Pick<VendorConfig, 'retry'>): RequestRetryPolicy {
  const given = config.retry?.perRequest ?? {};
  const d = REQUEST_RETRY_DEFAULTS;
  return {
    maxAttempts: given.maxAttempts ?? d.maxAttempts,
    initialIntervalMs: given.initialIntervalSeconds !== undefined ? given.initialIntervalSeconds * 1000 : d.initialIntervalMs,
    maxIntervalMs: given.maxIntervalSeconds !== undefined ? given.maxIntervalSeconds * 1000 : d.maxIntervalMs,
    maxRetryAfterMs: given.maxRetryAfterSeconds !== undefined ? given.maxRetryAfterSeconds * 1000 : d.maxRetryAfterMs,
  };
}

/**
 * The wait before attempt `attempt + 1` after a failure the vendor gave no delay for:
 * exponential from the initial interval, capped, with "full jitter" over its upper half
 * (between half and all of it), so that workers throttled together do not come back in step
 * yet the wait never collapses to nothing. `random` is in [0, 1).
 */
export function backoffMs(policy: RequestRetryPolicy, attempt: number, random: number): number {
  const ceiling = Math.min(policy.maxIntervalMs, policy.initialIntervalMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export type RetryDecision = { retry: true; waitMs: number } | { retry: false; why: 'budget' | 'longWait' };

/**
 * Whether a request that failed retryably on attempt `attempt` is sent again here, and
 * after how long: the vendor's delay (Retry-After, a query cost's refill) when it gave one
 * and it is not too long, else the backoff.
 */
export function nextAttempt(policy: RequestRetryPolicy, attempt: number, vendorDelayMs: number | undefined, random: number): RetryDecision {
  if (attempt >= policy.maxAttempts) return { retry: false, why: 'budget' };
  if (vendorDelayMs !== undefined) {
    if (vendorDelayMs > policy.maxRetryAfterMs) return { retry: false, why: 'longWait' };
    return { retry: true, waitMs: vendorDelayMs };
  }
  return { retry: true, waitMs: backoffMs(policy, attempt, random) };
}
