/**
 * Runs workflow work while holding a permit of a vendor's semaphore: acquired through an
 * activity the server retries while the semaphore is full (no worker slot held while
 * waiting), released on success, failure and cancellation alike.
 */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PermitRef } from '../core/contracts';
import { NON_RETRYABLE } from '../core/failure-types';

export interface PermitTiming {
  /** Wait between attempts of the waiter at the head of the queue; waiters further back poll less often. */
  retryMs?: number;
}

export async function withPermit<T>(permit: PermitRef, timing: PermitTiming, work: () => Promise<T>): Promise<T> {
  const retryMs = timing.retryMs ?? 2000;
  const permits = proxyActivities<Activities>({
    startToCloseTimeout: 30_000,
    retry: {
      initialInterval: retryMs,
      backoffCoefficient: 1.5,
      maximumInterval: Math.max(retryMs, 30_000),
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });
  try {
    // Each failed attempt names its own next retry delay (its place in the queue decides).
    await permits.acquirePermit(permit, { pollMs: retryMs });
    return await work();
  } finally {
    // A cancelled scope would skip this; the permit must go back on every path.
    await CancellationScope.nonCancellable(() => permits.releasePermit(permit));
  }
}
