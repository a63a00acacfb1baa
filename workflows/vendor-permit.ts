/**
 * A run's permit of its vendor's semaphore, held as the config's `semaphore.hold` says.
 *
 * - `calls` (the default): held while the run talks to the vendor. Before a durable wait
 *   (a files step waiting for a late file, an async job between polls) the permit goes
 *   back, and the next vendor call takes one again in the fair queue. A 60-minute wait
 *   then costs other runs nothing, and no lease has to outlive a timer.
 * - `job`: held from the first vendor call to the last, through the waits in between, for
 *   vendors that limit concurrent report jobs (a job submitted counts until it is
 *   downloaded, whether we poll it or not).
 * Both give the permit back after the last vendor call: CSV writing and the warehouse load
 * never hold a vendor permit.
 *
 * How `job` keeps its permit through a wait: just before the timer, one short activity
 * (extendPermit) sets the lease to the wait plus one ordinary lease; the next vendor
 * activity's first renewal sets the ordinary lease back. Considered and not chosen: a
 * heartbeating keep-alive activity running beside the timer (it holds a worker slot for
 * the whole wait, against invariant 4), and sleeping in slices shorter than the lease with
 * a renewal between slices (a timer and an activity per slice: a 12-hour wait with a
 * 5-minute lease would add about 1,700 events, against invariant 11). The cost of the
 * choice: a run terminated during a wait (no cleanup runs) keeps the permit until the
 * extended lease ends; a cancelled run still releases it at once, and `dif locks` shows
 * the holder meanwhile. Workers dying cost nothing here: a durable timer has no worker.
 *
 * Every wait for a permit is bounded by `semaphore.maxWaitSeconds` (or `dif run --max-wait`):
 * the acquire activity gets that schedule-to-close timeout, and the run fails with
 * PermitWaitTimeout naming the semaphore. Releases give up after a few minutes (the lease
 * frees the permit anyway) instead of retrying for ever.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  proxyActivities,
  sleep,
  TimeoutFailure,
} from '@temporalio/workflow';
import { RetryState } from '@temporalio/common';
import type { Activities } from '../activities';
import type { PermitHold, PermitRef } from '../core/contracts';
import { NON_RETRYABLE } from '../core/failure-types';

export interface VendorPermitOptions {
  hold: PermitHold;
  /** Longest wait in the queue each time the permit is asked for. */
  maxWaitMs: number;
  /** Wait between attempts of the waiter at the head of the queue; waiters further back poll less often. */
  retryMs?: number;
  /** A gate taking over a permit its run holds already (the async poll loop's child workflow, workflows/job-polls.ts). */
  held?: boolean;
}

export interface VendorPermit {
  /** Before a vendor activity: takes the permit unless held, waiting in the fair queue at most maxWaitMs. */
  take(): Promise<void>;
  /**
   * A durable wait of `ms`: `calls` gives the permit back as the timer starts, `job` keeps it
   * through the wait. Both commands go out in one workflow task with the timer.
   */
  wait(ms: number): Promise<void>;
  /** After the last vendor call and on every way out (failure, cancellation): gives the permit back, or the place in the queue. */
  release(): Promise<void>;
  /** Whether the permit is held now: what a continued poll loop carries to its next run. */
  holds(): boolean;
}

/** For runs started before `semaphore.hold`, which hold the permit around everything (withPermit): waits are plain timers. */
export const NO_GATE: Pick<VendorPermit, 'take' | 'wait'> = { take: async () => undefined, wait: (ms) => sleep(ms) };

export function vendorPermit(permit: PermitRef, options: VendorPermitOptions): VendorPermit {
  const retryMs = options.retryMs ?? 2000;
  const acquiring = proxyActivities<Activities>({
    startToCloseTimeout: 30_000,
    scheduleToCloseTimeout: options.maxWaitMs,
    retry: {
      initialInterval: retryMs,
      backoffCoefficient: 1.5,
      maximumInterval: Math.max(retryMs, 30_000),
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });
  const bounded = proxyActivities<Activities>({
    startToCloseTimeout: 30_000,
    scheduleToCloseTimeout: 5 * 60_000,
    retry: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 30_000, maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
  });
  // 'asked': in the queue or holding; a release must then go to Redis.
  let state: 'none' | 'asked' | 'held' = options.held ? 'held' : 'none';

  async function release() {
    if (state === 'none') return;
    state = 'none';
    // A cancelled scope would skip this; the permit must go back on every path. Should
    // Redis stay unreachable, the permit expires on its lease: not worth failing the run.
    await CancellationScope.nonCancellable(async () => {
      try {
        await bounded.releasePermit(permit);
      } catch (e) {
        log.warn(`could not release the permit on ${permit.key}; it expires on its lease`, { error: (e as Error).message });
      }
    });
  }

  return {
    release,
    holds: () => state === 'held',
    async take() {
      if (state === 'held') return;
      state = 'asked';
      try {
        // Each failed attempt names its own next retry delay (its place in the queue decides).
        await acquiring.acquirePermit(permit, { pollMs: retryMs });
      } catch (e) {
        if (waitedTooLong(e)) {
          throw ApplicationFailure.create({
            type: 'PermitWaitTimeout',
            nonRetryable: true,
            message: `no permit of ${permit.key} (limit ${permit.limit}) within ${Math.round(options.maxWaitMs / 1000)} s; raise semaphore.maxWaitSeconds or dif run --max-wait, or see who holds it with dif locks`,
          });
        }
        throw e;
      }
      state = 'held';
    },

    async wait(ms) {
      if (state !== 'held') return sleep(ms);
      await Promise.all([options.hold === 'job' ? bounded.extendPermit(permit, ms) : release(), sleep(ms)]);
    },
  };
}

/** The acquire activity ran out of its schedule-to-close time: while waiting between attempts, or because the next attempt would come too late. */
function waitedTooLong(e: unknown): boolean {
  return e instanceof ActivityFailure && (e.retryState === RetryState.TIMEOUT || e.cause instanceof TimeoutFailure);
}
