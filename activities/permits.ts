import { Context } from '@temporalio/activity';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { ActivityDeps } from './deps';
import { finalFailure, retryableFailure } from './failures';

/**
 * One attempt to take a permit. When the semaphore is full, or older waiters are ahead in
 * its queue, the activity fails with a retryable `SemaphoreBusy` whose next retry delay
 * the semaphore chose from the place in the queue; Temporal schedules that retry, so the
 * wait holds no worker slot and adds no history events (attempts are not recorded).
 */
export function acquirePermitActivity(deps: ActivityDeps) {
  return async function acquirePermit(permit: PermitRef, poll?: { pollMs: number }): Promise<void> {
    const result = await deps.semaphores.acquire(permit, poll ? { poll } : {});
    if (result.acquired) return;
    throw retryableFailure(
      'SemaphoreBusy',
      `all ${permit.limit} permits of ${permit.key} are taken; waiting, number ${result.position} in the queue`,
      result.nextPollMs,
    );
  };
}

/** Idempotent: releasing a permit that expired or was never taken does nothing. */
export function releasePermitActivity(deps: ActivityDeps) {
  return async function releasePermit(permit: PermitRef): Promise<void> {
    await deps.semaphores.release(permit);
  };
}

/**
 * Runs an activity's work under a permit: renews the lease first (a holder that lost it
 * stops here), then every third of the lease while the work runs, heartbeating so that a
 * cancelled run learns of it. A holder that learns it lost the permit stops at once: the
 * activity fails with PermitLost without waiting for the work, and `signal` aborts so work
 * that passes it on (HTTP requests) stops too. A renewal that fails because Redis is
 * briefly unreachable (a restart) is tried again at the next tick; the job only counts as
 * lost when Redis says so, or when no renewal got through for a whole lease.
 */
export async function underPermit<T>(
  deps: ActivityDeps,
  permit: PermitRef,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lostError = () =>
    finalFailure('PermitLost', `the permit on ${permit.key} expired before this job renewed it; the job stops`);
  if (!(await deps.semaphores.renew(permit))) throw lostError();
  const abort = new AbortController();
  let renewedAt = Date.now();
  let onLost!: (e: unknown) => void;
  const lost = new Promise<never>((_, reject) => (onLost = reject));
  lost.catch(() => undefined); // observed through the race below
  const stop = (e: unknown) => {
    abort.abort(e);
    onLost(e);
  };
  // A cancelled (or terminated) run learns of it through a heartbeat: stop renewing and
  // working then, so the permit goes back (release, or the lease) without waiting for the work.
  const cancelled = cancellationSignal();
  if (cancelled?.aborted) stop(cancelled.reason);
  else cancelled?.addEventListener('abort', () => stop(cancelled.reason), { once: true });
  const timer = setInterval(() => {
    deps.semaphores.renew(permit).then(
      (held) => (held ? (renewedAt = Date.now()) : stop(lostError())),
      (e) => {
        if (Date.now() - renewedAt > permit.leaseMs) stop(e);
      },
    );
    try {
      Context.current().heartbeat();
    } catch {
      // Outside an activity (unit tests) there is nothing to heartbeat.
    }
  }, Math.max(1000, Math.floor(permit.leaseMs / 3)));
  try {
    return await Promise.race([work(abort.signal), lost]);
  } finally {
    clearInterval(timer);
  }
}

function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // outside an activity
  }
}
