/** Redis counting semaphores: the limit, idempotent acquire, leases, FIFO fairness, and scope keys. */
import Redis from 'ioredis';
import { keysOf, RedisSemaphores, semaphoreKey } from '../../adapters/locks/semaphores';
import type { PermitRef } from '../../core/contracts';
import { uniqueName } from '../setup/test-settings';
import { extendPermitActivity, underPermit } from '../../activities/permits';
import type { ActivityDeps } from '../../activities/deps';
import { MockActivityEnvironment } from '@temporalio/testing';
import { waitUntil } from '../setup/failures';

const redis = new Redis('redis://127.0.0.1:6379/0');
const semaphores = new RedisSemaphores(redis);
afterAll(() => redis.quit());

const permit = (key: string, holder: string, leaseMs = 10_000): PermitRef => ({ key, limit: 2, holder, leaseMs });

test('never more holders than the limit; a released permit goes to the next', async () => {
  const key = uniqueName('sem');
  expect(await semaphores.tryAcquire(permit(key, 'a'))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'b'))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'c'))).toBe(false);
  await semaphores.release(permit(key, 'a'));
  expect(await semaphores.tryAcquire(permit(key, 'c'))).toBe(true);
  expect((await semaphores.holders(key)).sort()).toEqual(['b', 'c']);
});

test('acquiring again as the same holder is idempotent, even when the semaphore is full', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  // A retried acquire whose first answer was lost must not wait for its own permit.
  expect(await semaphores.tryAcquire(permit(key, 'a'))).toBe(true);
  expect(await semaphores.holders(key)).toHaveLength(2);
});

test('a holder that stops renewing loses its permit after the lease, and learns it', async () => {
  const key = uniqueName('sem');
  expect(await semaphores.tryAcquire(permit(key, 'dead', 300))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'alive', 300))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'waiting', 300))).toBe(false);
  await new Promise((r) => setTimeout(r, 150));
  expect(await semaphores.renew(permit(key, 'alive', 300))).toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  // 'dead' expired; 'alive' renewed in time.
  expect(await semaphores.tryAcquire(permit(key, 'waiting', 300))).toBe(true);
  expect(await semaphores.renew(permit(key, 'dead', 300))).toBe(false);
  expect((await semaphores.holders(key)).sort()).toEqual(['alive', 'waiting']);
});

test('releasing what is not held does nothing', async () => {
  const key = uniqueName('sem');
  await expect(semaphores.release(permit(key, 'ghost'))).resolves.toBeUndefined();
});

test('first come, first served: a newcomer cannot take a freed permit ahead of an older waiter', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  expect(await semaphores.acquire(permit(key, 'old'))).toMatchObject({ acquired: false, position: 1 });
  expect(await semaphores.acquire(permit(key, 'older-still-behind'))).toMatchObject({ acquired: false, position: 2 });
  await semaphores.release(permit(key, 'a'));
  // The newcomer asks first after the release, but 'old' holds ticket 1.
  expect(await semaphores.acquire(permit(key, 'newcomer'))).toMatchObject({ acquired: false, position: 3 });
  expect(await semaphores.acquire(permit(key, 'older-still-behind'))).toMatchObject({ acquired: false, position: 2 });
  expect(await semaphores.tryAcquire(permit(key, 'old'))).toBe(true);
  const snap = await semaphores.snapshot(key);
  expect(snap.holders.map((h) => h.holder).sort()).toEqual(['b', 'old']);
  expect(snap.waiters.map((w) => w.holder)).toEqual(['older-still-behind', 'newcomer']);
});

test('waiters further back are told to poll less often', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  const polls = [];
  for (const w of ['w1', 'w2', 'w3', 'w4', 'w5']) {
    const r = await semaphores.acquire(permit(key, w), { poll: { pollMs: 100, maxPollMs: 250 } });
    polls.push(r.acquired ? -1 : r.nextPollMs);
  }
  expect(polls).toEqual([100, 100, 200, 200, 250]); // limit 2: two waiters per "round", capped
});

test('a waiter that stops asking loses its place, so a dead waiter blocks nobody for long', async () => {
  const key = uniqueName('sem');
  const poll = { pollMs: 50, maxPollMs: 50, graceMs: 100 }; // place lasts 3 × 50 + 100 ms
  await semaphores.acquire(permit(key, 'a'), { poll });
  await semaphores.acquire(permit(key, 'b'), { poll });
  await semaphores.acquire(permit(key, 'dead-waiter'), { poll });
  await semaphores.acquire(permit(key, 'live-waiter'), { poll });
  await semaphores.release(permit(key, 'a'));
  expect(await semaphores.tryAcquire(permit(key, 'live-waiter'))).toBe(false); // dead-waiter is still ahead
  await new Promise((r) => setTimeout(r, 300));
  expect((await semaphores.acquire(permit(key, 'live-waiter'), { poll })).acquired).toBe(true);
  expect((await semaphores.snapshot(key)).waiters).toEqual([]);
});

test('a waiter that gives up (release while waiting) leaves the queue', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  await semaphores.acquire(permit(key, 'quitter'));
  await semaphores.acquire(permit(key, 'next'));
  await semaphores.release(permit(key, 'quitter'));
  await semaphores.release(permit(key, 'a'));
  expect(await semaphores.tryAcquire(permit(key, 'next'))).toBe(true);
});

test('after Redis lost its data a holder reclaims its permit on renewal; newcomers wait for room', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  await semaphores.release(permit(key, 'b'));
  await redis.del(...keysOf(key)); // what a restart without persistence does to this semaphore
  expect(await semaphores.renew(permit(key, 'a'))).toBe(true);
  expect(await semaphores.holders(key)).toEqual(['a']);
  // A released holder is not "unknown" while its tombstone lasts; here it went with the data,
  // yet a table lock (reclaim = false) still refuses.
  expect(await semaphores.renew(permit(key, 'b'), false)).toBe(false);
  expect(await semaphores.tryAcquire(permit(key, 'c'))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'd'))).toBe(false);
});

test('a released holder that renews (a late zombie attempt) is told it lost the permit', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.release(permit(key, 'a'));
  expect(await semaphores.renew(permit(key, 'a'))).toBe(false);
});

test('a job that learns at a renewal that its permit is gone stops at once, with PermitLost, and its signal aborts', async () => {
  const key = uniqueName('sem');
  const p = { key, limit: 1, holder: 'job', leaseMs: 1500 }; // renewed every second
  await semaphores.tryAcquire(p);
  const deps = { semaphores } as unknown as ActivityDeps;
  let aborted = false;
  const started = Date.now();
  const job = underPermit(deps, p, (signal) => {
    signal.addEventListener('abort', () => (aborted = true));
    return new Promise((r) => setTimeout(r, 5000, 'finished').unref());
  });
  await semaphores.release(p); // taken away (as an expiry would) while the job runs
  await expect(job).rejects.toMatchObject({ type: 'PermitLost' });
  expect(Date.now() - started).toBeLessThan(2500); // at the first renewal, not when the work ends
  expect(aborted).toBe(true);
});

const lapsed = async (p: PermitRef) => {
  await semaphores.tryAcquire(p);
  await new Promise((r) => setTimeout(r, p.leaseMs + 300)); // the activity started a lease too late
};

test('hold calls: a permit that lapsed before its vendor activity started is taken back in the queue, and the work runs', async () => {
  const p: PermitRef = { key: uniqueName('sem'), limit: 1, holder: 'run', leaseMs: 1000, hold: 'calls' };
  await lapsed(p);
  const deps = { semaphores } as unknown as ActivityDeps;
  const holdersDuringWork = await underPermit(deps, p, () => semaphores.holders(p.key));
  expect(holdersDuringWork).toEqual(['run']);
});

test('hold calls: a lapsed permit whose place was taken waits for room, never above the limit', async () => {
  const p: PermitRef = { key: uniqueName('sem'), limit: 1, holder: 'run', leaseMs: 1000, hold: 'calls' };
  await lapsed(p);
  const other = { ...p, holder: 'other' };
  expect(await semaphores.tryAcquire(other)).toBe(true);
  setTimeout(() => void semaphores.release(other), 1500);
  const deps = { semaphores } as unknown as ActivityDeps;
  const started = Date.now();
  const holdersDuringWork = await underPermit(deps, p, () => semaphores.holders(p.key));
  expect(holdersDuringWork).toEqual(['run']);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
});

test('hold calls: a lapsed permit with no room within the wait fails with a retryable SemaphoreBusy, without working', async () => {
  const p: PermitRef = { key: uniqueName('sem'), limit: 1, holder: 'run', leaseMs: 1000, hold: 'calls', maxWaitMs: 1500 };
  await lapsed(p);
  await semaphores.tryAcquire({ ...p, holder: 'other', leaseMs: 10_000 });
  let worked = false;
  const job = underPermit({ semaphores } as unknown as ActivityDeps, p, async () => (worked = true));
  await expect(job).rejects.toMatchObject({ type: 'SemaphoreBusy', nonRetryable: false, message: expect.stringContaining('lapsed before this activity started') });
  expect(worked).toBe(false);
});

test('hold job, or a run planned before hold existed: a lapsed permit stops the run with PermitLost, without working', async () => {
  for (const hold of ['job', undefined] as const) {
    const p: PermitRef = { key: uniqueName('sem'), limit: 1, holder: 'run', leaseMs: 1000, ...(hold ? { hold } : {}) };
    await lapsed(p);
    let worked = false;
    const job = underPermit({ semaphores } as unknown as ActivityDeps, p, async () => (worked = true));
    await expect(job).rejects.toMatchObject({ type: 'PermitLost', nonRetryable: true });
    expect(worked).toBe(false);
    expect(await semaphores.holders(p.key)).toEqual([]);
  }
});

test('a job whose run is cancelled stops at once and stops renewing, so its permit lapses on its lease', async () => {
  const key = uniqueName('sem');
  const p = { key, limit: 1, holder: 'job', leaseMs: 1500 };
  await semaphores.tryAcquire(p);
  const env = new MockActivityEnvironment();
  const deps = { semaphores } as unknown as ActivityDeps;
  let workSignal: AbortSignal | undefined;
  const job = env.run(() =>
    underPermit(deps, p, (signal) => {
      workSignal = signal;
      return new Promise((r) => setTimeout(r, 5000).unref());
    }),
  );
  // Cancelled while the work runs (a cancellation before it starts is the simpler path).
  await waitUntil('the work started', () => workSignal !== undefined);
  env.cancel();
  await expect(job).rejects.toMatchObject({ name: 'CancelledFailure', message: 'CANCELLED' });
  // The environment rejects a cancelled activity whatever its code does; the work itself
  // must be aborted, and for the cancellation (not as a lost permit).
  expect(workSignal?.aborted).toBe(true);
  expect(workSignal?.reason).toMatchObject({ name: 'CancelledFailure', message: 'CANCELLED' });
  await new Promise((r) => setTimeout(r, 2000)); // past the lease: no renewal kept it
  expect(await semaphores.holders(key)).toEqual([]);
});

test('hold job: extendPermit keeps a permit through a wait three leases long; the next renewal sets the ordinary lease back', async () => {
  const key = uniqueName('sem');
  const p = { key, limit: 1, holder: 'job', leaseMs: 1000 };
  await semaphores.tryAcquire(p);
  const extendPermit = extendPermitActivity({ semaphores } as unknown as ActivityDeps);
  await extendPermit(p, 3000); // the wait: 3 s, no renewal meanwhile
  await new Promise((r) => setTimeout(r, 3200));
  expect(await semaphores.holders(key)).toEqual(['job']);
  expect(await semaphores.tryAcquire({ ...p, holder: 'other' })).toBe(false);
  expect(await semaphores.renew(p)).toBe(true); // the next activity: back to a 1 s lease
  const { holders, now } = await semaphores.snapshot(key);
  expect(holders[0].expiresAt - now).toBeLessThanOrEqual(1000);
});

test('extendPermit on a permit already lost fails PermitLost instead of taking it back', async () => {
  const key = uniqueName('sem');
  const p = { key, limit: 1, holder: 'job', leaseMs: 1000 };
  await semaphores.tryAcquire(p);
  await semaphores.release(p);
  const extendPermit = extendPermitActivity({ semaphores } as unknown as ActivityDeps);
  await expect(extendPermit(p, 3000)).rejects.toMatchObject({
    type: 'PermitLost',
    message: `the permit on ${key} expired before the run could keep it through its wait; the run stops`,
  });
  expect(await semaphores.holders(key)).toEqual([]);
});

test('account scope is one semaphore for all customers; customer scope one per customer', () => {
  expect(semaphoreKey('v', 'account', 'c1')).toBe(semaphoreKey('v', 'account', 'c2'));
  expect(semaphoreKey('v', 'customer', 'c1')).not.toBe(semaphoreKey('v', 'customer', 'c2'));
  expect(semaphoreKey('v', 'account', 'c1', 'agency-1')).not.toBe(semaphoreKey('v', 'account', 'c1', 'agency-2'));
});
