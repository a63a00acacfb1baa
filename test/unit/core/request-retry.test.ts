/** One request's retry policy (issue 21, item 3): defaults, the jittered backoff, when the vendor's delay is waited here. */
import { backoffMs, nextAttempt, REQUEST_RETRY_DEFAULTS, requestRetryPolicy } from '../../../core/request-retry';

const policy = { maxAttempts: 4, initialIntervalMs: 100, maxIntervalMs: 1_000, maxRetryAfterMs: 5_000 };

test('defaults, and seconds in the config become milliseconds', () => {
  expect(requestRetryPolicy({})).toEqual(REQUEST_RETRY_DEFAULTS);
  expect(requestRetryPolicy({ retry: { perRequest: { maxAttempts: 2, initialIntervalSeconds: 0.01, maxIntervalSeconds: 0.05, maxRetryAfterSeconds: 3 } } })).toEqual({
    maxAttempts: 2,
    initialIntervalMs: 10,
    maxIntervalMs: 50,
    maxRetryAfterMs: 3_000,
  });
});

test('the backoff doubles up to its cap, jittered between half and all of it', () => {
  expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(policy, a, 0.999999))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  expect([1, 2, 3, 4, 5, 6].map((a) => backoffMs(policy, a, 0))).toEqual([50, 100, 200, 400, 500, 500]);
});

test("the vendor's delay is waited as given, zero included; a delay too long is left to the activity's retry", () => {
  expect(nextAttempt(policy, 1, 2_500, 0.5)).toEqual({ retry: true, waitMs: 2_500 });
  expect(nextAttempt(policy, 1, 0, 0.5)).toEqual({ retry: true, waitMs: 0 });
  expect(nextAttempt(policy, 1, 5_001, 0.5)).toEqual({ retry: false, why: 'longWait' });
  expect(nextAttempt(policy, 2, undefined, 0.5)).toEqual({ retry: true, waitMs: 150 });
});

test('the budget counts the first attempt: after maxAttempts, no more', () => {
  expect(nextAttempt(policy, 3, undefined, 0).retry).toBe(true);
  expect(nextAttempt(policy, 4, undefined, 0)).toEqual({ retry: false, why: 'budget' });
  expect(nextAttempt({ ...policy, maxAttempts: 1 }, 1, 10, 0)).toEqual({ retry: false, why: 'budget' });
});
