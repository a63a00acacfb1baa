/**
 * How long an activity may go without a heartbeat before Temporal declares it lost and
 * retries it. Pure: the workflow computes it for each activity it schedules.
 *
 * Why it follows the permit's lease: a holder renews its lease every third of it, and a
 * crashed worker renews nothing. Its activity's retry must renew the permit before the lease
 * runs out, or the run fails with PermitLost (issue 21, item 5: a 120 s lease and a fixed
 * 120 s heartbeat timeout lost every crashed run). With the timeout at half the lease, the
 * retry starts at most 1/3 + 1/2 of the lease after the last renewal, plus the retry's
 * first interval: validation warns when that interval does not fit in the sixth left over.
 */

/** The longest heartbeat timeout DIF gives an activity. */
export const MAX_HEARTBEAT_TIMEOUT_MS = 120_000;

/** Below this, a busy worker's event loop could miss heartbeats and lose healthy activities. */
export const MIN_HEARTBEAT_TIMEOUT_MS = 2_000;

export function heartbeatTimeoutMs(activityTimeoutMs: number, leaseMs?: number): number {
  const byLease = leaseMs === undefined ? MAX_HEARTBEAT_TIMEOUT_MS : Math.max(MIN_HEARTBEAT_TIMEOUT_MS, Math.floor(leaseMs / 2));
  return Math.min(activityTimeoutMs, MAX_HEARTBEAT_TIMEOUT_MS, byLease);
}

/**
 * The slack a lease leaves a crashed holder's retry: what remains of the lease after the
 * renewal period, the heartbeat timeout and the retry's first interval. Negative: a crash
 * at the wrong moment loses the permit.
 */
export function crashSlackMs(leaseMs: number, retryInitialIntervalMs: number): number {
  return leaseMs - Math.floor(leaseMs / 3) - heartbeatTimeoutMs(Number.MAX_SAFE_INTEGER, leaseMs) - retryInitialIntervalMs;
}
