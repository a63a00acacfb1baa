import { Context } from '@temporalio/activity';
import { setTimeout as delay } from 'node:timers/promises';
import type { PermitRef } from '../core/contracts';
import type { ActivityDeps } from './deps';
import { finalFailure, retryableFailure } from './failures';
import { permitAcquired } from '../runtime/metrics/hooks';

/**
 * One attempt to take a permit. When the semaphore is full, or older waiters are ahead in
 * its queue, the activity fails with a retryable `SemaphoreBusy` whose next retry delay
 * the semaphore chose from the place in the queue; Temporal schedules that retry, so the
 * wait holds no worker slot and adds no history events (attempts are not recorded).
 */
export function acquirePermitActivity(deps: ActivityDeps) {
  return async function acquirePermit(permit: PermitRef, poll?: { pollMs: number }): Promise<void> {
    const result = await deps.semaphores.acquire(permit, poll ? { poll } : {});
    if (result.acquired) {
      // From the first attempt: the retries in between were the wait.
      permitAcquired(permit.key, Date.now() - (activityContext()?.info.scheduledTimestampMs ?? Date.now()));
      return;
    }
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
 * Keeps a permit of `hold: job` through a durable wait (workflows/vendor-permit.ts): sets its
 * lease to the wait plus one ordinary lease, so it outlives the timer without anything
 * running meanwhile. The next activity's first renewal sets the ordinary lease again.
 * Fails with PermitLost when the permit was lost already (the run must not go on as if it held it).
 */
export function extendPermitActivity(deps: ActivityDeps) {
  return async function extendPermit(permit: PermitRef, forMs: number): Promise<void> {
    if (!(await deps.semaphores.renew({ ...permit, leaseMs: forMs + permit.leaseMs }))) {
      throw finalFailure('PermitLost', `the permit on ${permit.key} expired before the run could keep it through its wait; the run stops`);
    }
  };
}

/** Records progress that a retried attempt resumes from (it reads it in `activityInfo().heartbeatDetails`). */
export type Checkpoint = (details: unknown) => void;

/** Heartbeats at least this often, and always at least three times per heartbeat timeout. */
const MAX_HEARTBEAT_EVERY_MS = 10_000;

/**
 * How often an activity heartbeats: a fixed cadence under its heartbeat timeout, whatever
 * the permit's lease (a 600 s lease renewed every 200 s must not starve a 120 s timeout).
 */
export function heartbeatEveryMs(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return MAX_HEARTBEAT_EVERY_MS;
  return Math.max(100, Math.min(MAX_HEARTBEAT_EVERY_MS, Math.floor(heartbeatTimeoutMs / 3)));
}

/**
 * Runs an activity's work, heartbeating on a fixed cadence (heartbeatEveryMs) so that a
 * cancelled run learns of it and a dead worker is noticed, and, when given a permit, under
 * that permit: renews the lease first (a holder that lost it stops here), then every third
 * of the lease while the work runs. Activities without a permit (CSV, load) pass none.
 *
 * Every heartbeat carries the work's last checkpoint: Temporal keeps only the latest
 * heartbeat's details, so a bare heartbeat would erase it and a resumed attempt would start
 * from the beginning. Until the work sets one, the previous attempt's checkpoint is carried on.
 *
 * A holder that learns it lost the permit stops at once: the activity fails with
 * PermitLost without waiting for the work, and `signal` aborts so work that passes it on
 * (HTTP requests) stops too. A renewal that fails because Redis is briefly unreachable (a
 * restart) is tried again at the next tick; the job only counts as lost when Redis says
 * so, or when no renewal got through for a whole lease.
 */
export async function underPermit<T>(
  deps: ActivityDeps,
  permit: PermitRef | undefined,
  work: (signal: AbortSignal, checkpoint: Checkpoint) => Promise<T>,
): Promise<T> {
  const lostError = (p: PermitRef) =>
    finalFailure('PermitLost', `the permit on ${p.key} expired before this job renewed it; the job stops`);
  if (permit && !(await deps.semaphores.renew(permit))) await takeBackLapsedPermit(deps, permit, lostError);
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

  const context = activityContext();
  let latest = context?.info.heartbeatDetails;
  let sentAt = 0;
  const send = () => {
    sentAt = Date.now();
    context?.heartbeat(latest);
  };
  // A checkpoint per page or item is handed to Temporal at most once per keep-alive period,
  // and the keep-alive beat carries the latest: the SDK sends a heartbeat only every 0.8
  // heartbeat timeouts anyway, and a call per item cost a 5,000-call fan-out about 1% of the
  // worker's thread (bench/fanout.ts, CPU profile). A resumed attempt that starts from a
  // slightly older checkpoint reads the stored decisions in between: nothing is fetched again.
  const every = heartbeatEveryMs(context?.info.heartbeatTimeoutMs);
  const checkpoint: Checkpoint = (details) => {
    latest = details;
    if (Date.now() - sentAt >= every) send();
  };
  const beat = setInterval(send, every);
  const renewal =
    permit &&
    setInterval(() => {
      deps.semaphores.renew(permit).then(
        (held) => (held ? (renewedAt = Date.now()) : stop(lostError(permit))),
        (e) => {
          if (Date.now() - renewedAt > permit.leaseMs) stop(e);
        },
      );
    }, Math.max(1000, Math.floor(permit.leaseMs / 3)));
  try {
    return await Promise.race([work(abort.signal, checkpoint), lost]);
  } finally {
    clearInterval(beat);
    if (renewal) clearInterval(renewal);
  }
}

/** How long a vendor activity waits in the queue for a lapsed permit before Temporal retries it. */
const TAKE_BACK_WAIT_MS = 60_000;

/**
 * A permit found lapsed as a vendor activity starts: its run waited longer than a lease
 * between taking it and using it (a worker too busy to start the activity: the fleet bench,
 * at a 30 s lease, lost 150 of 240 runs this way). Under `hold: calls` nothing of the run is
 * at the vendor between its activities, so taking the permit back through the fair queue
 * keeps the limit and loses nothing; the activity waits here, asking as often as the queue
 * says, and after TAKE_BACK_WAIT_MS fails with a retryable SemaphoreBusy (the retry asks
 * again). Under `hold: job` (a report job may be running at the vendor on the run's permit),
 * and for runs planned before `hold` existed, the run stops with PermitLost as before.
 */
async function takeBackLapsedPermit(deps: ActivityDeps, permit: PermitRef, lostError: (p: PermitRef) => Error): Promise<void> {
  if (permit.hold !== 'calls') throw lostError(permit);
  const context = activityContext();
  const until = Date.now() + Math.min(TAKE_BACK_WAIT_MS, permit.maxWaitMs ?? TAKE_BACK_WAIT_MS);
  for (;;) {
    const result = await deps.semaphores.acquire(permit);
    if (result.acquired) {
      context?.log.warn(`the permit on ${permit.key} lapsed before this activity started; taken back in the queue`);
      return;
    }
    if (Date.now() + result.nextPollMs > until) {
      throw retryableFailure(
        'SemaphoreBusy',
        `the permit on ${permit.key} lapsed before this activity started and all ${permit.limit} are taken; waiting, number ${result.position} in the queue`,
        result.nextPollMs,
      );
    }
    context?.heartbeat(context.info.heartbeatDetails); // alive, and the previous checkpoint kept
    // The SDK's sleep ends early, rejecting, when the activity is cancelled.
    await (context ? context.sleep(result.nextPollMs) : delay(result.nextPollMs));
  }
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // outside an activity (unit tests, benchmarks): nothing to heartbeat
  }
}

function cancellationSignal(): AbortSignal | undefined {
  return activityContext()?.cancellationSignal;
}
