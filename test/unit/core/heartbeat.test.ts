/**
 * The heartbeat timeout follows the permit's lease (issue 21, item 5): a crashed holder's
 * retry must renew the permit before its lease runs out, so the timeout is at most half the
 * lease; validation warns about a lease too short to leave the retry a few seconds.
 */
import { crashSlackMs, heartbeatTimeoutMs } from '../../../core/heartbeat';
import { checkVendorConfig } from '../../../core/validate';
import { demoConfig } from '../helpers/config-problems';

test('half the lease, never more than 120 s or the activity timeout, never under 2 s', () => {
  expect(heartbeatTimeoutMs(600_000, 120_000)).toBe(60_000); // demo-ads: was 120 s, as long as the lease
  expect(heartbeatTimeoutMs(600_000, 600_000)).toBe(120_000);
  expect(heartbeatTimeoutMs(600_000)).toBe(120_000);
  expect(heartbeatTimeoutMs(30_000, 600_000)).toBe(30_000);
  expect(heartbeatTimeoutMs(600_000, 1_000)).toBe(2_000);
});

test('every lease of 24 s or more leaves a crashed retry at least 3 s with the default first retry interval', () => {
  for (let lease = 24; lease <= 86_400; lease += lease < 600 ? 1 : 997) {
    const leaseMs = lease * 1000;
    // The last renewal was at most a third of the lease before the crash; the retry starts a
    // heartbeat timeout and a first retry interval after it.
    const retryStartsBy = Math.floor(leaseMs / 3) + heartbeatTimeoutMs(10 * 60_000, leaseMs) + 1000;
    expect(leaseMs - retryStartsBy).toBeGreaterThanOrEqual(3000);
    expect(crashSlackMs(leaseMs, 1000)).toBe(leaseMs - retryStartsBy);
  }
});

test('validation warns about a lease a crashed retry cannot keep, at its path, and not about the shipped ones', () => {
  const withLease = (leaseSeconds: number, initialIntervalSeconds?: number) => {
    const config = demoConfig() as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    config.semaphore = { ...config.semaphore, leaseSeconds };
    if (initialIntervalSeconds !== undefined) config.retry = { ...(config.retry ?? {}), initialIntervalSeconds };
    return checkVendorConfig(config, 'test-config.json').warnings.filter((w) => w.path === '$.semaphore.leaseSeconds');
  };
  expect(withLease(5)).toEqual([
    {
      path: '$.semaphore.leaseSeconds',
      message:
        "5 s leaves a crashed worker's retry -0.2 s to renew the permit (a renewal every third of the lease, a heartbeat timeout of half of it, then retry.initialIntervalSeconds 1); at least 24 s keeps 3 s in hand",
    },
  ]);
  expect(withLease(24)).toEqual([]);
  expect(withLease(120)).toEqual([]);
  expect(withLease(120, 30)).toHaveLength(1); // a slow first retry needs a longer lease
});
