/** The per-request retry loop (activities/request-retry.ts): which failures it retries, how long it waits, when it gives up. */
import { ApplicationFailure } from '@temporalio/common';
import { withRequestRetries } from '../../../activities/request-retry';
import { finalFailure, retryableFailure } from '../../../activities/failures';

const policy = { maxAttempts: 3, initialIntervalMs: 5, maxIntervalMs: 20, maxRetryAfterMs: 1_000 };

/** An attempt function that fails with the given failures in turn, then answers 'ok'. */
function failing(...failures: Error[]) {
  const calls: number[] = [];
  const attempt = async (n: number) => {
    calls.push(n);
    const next = failures.shift();
    if (next) throw next;
    return 'ok';
  };
  return { attempt, calls };
}

test('transient vendor failures are retried, each with the wait the vendor asked for or a backoff', async () => {
  const { attempt, calls } = failing(retryableFailure('VendorThrottled', '429', 30), retryableFailure('VendorUnavailable', 'reset'));
  const waits: number[] = [];
  await expect(withRequestRetries(policy, attempt, { random: () => 0, onRetry: (_f, _a, ms) => waits.push(ms) })).resolves.toBe('ok');
  expect(calls).toEqual([1, 2, 3]);
  expect(waits).toEqual([30, 5]); // Retry-After as given; then the backoff of attempt 2 (10 ms, jittered down to half)
});

test('a spent budget lets the last failure out, unchanged, for the activity retry', async () => {
  const last = retryableFailure('VendorError', 'answered 502 (third)');
  const { attempt, calls } = failing(retryableFailure('VendorError', '502'), retryableFailure('VendorError', '502'), last);
  await expect(withRequestRetries(policy, attempt)).rejects.toBe(last);
  expect(calls).toEqual([1, 2, 3]);
});

test('final failures, other retryable types and a Retry-After beyond maxRetryAfter go out at once', async () => {
  for (const failure of [
    finalFailure('VendorRequestError', '400'),
    retryableFailure('SemaphoreBusy', 'busy'),
    retryableFailure('VendorThrottled', '429 Retry-After: 3600', 3_600_000),
    new Error('a bug'),
  ]) {
    const { attempt, calls } = failing(failure);
    await expect(withRequestRetries(policy, attempt)).rejects.toBe(failure);
    expect(calls).toEqual([1]);
  }
});

test('a stopped activity stops waiting at once, with the failure that made it wait', async () => {
  const stop = new AbortController();
  const throttled = retryableFailure('VendorThrottled', '429', 900);
  const { attempt, calls } = failing(throttled);
  setTimeout(() => stop.abort(), 10);
  const startedAt = Date.now();
  const error = await withRequestRetries(policy, attempt, { stop: stop.signal }).catch((e: unknown) => e);
  expect(error).toBe(throttled);
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(calls).toEqual([1]);
  // Generous: the wait was 900 ms; stopping cuts it short long before.
  expect(Date.now() - startedAt).toBeLessThan(800);
});
