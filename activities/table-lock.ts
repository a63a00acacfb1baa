import { Context } from '@temporalio/activity';
import { TableLocks, type TableLockRef } from '../adapters/locks/table-locks';
import type { Fence } from '../adapters/warehouse/warehouse';
import type { ActivityDeps } from './deps';
import { retryableFailure } from './failures';

export type { Fence };

export interface TableLockTiming {
  leaseMs: number;
  pollMs: number;
  /** Longest wait for the lock inside one attempt before giving the slot back and retrying. */
  maxWaitMs: number;
}

export const DEFAULT_TABLE_LOCK: TableLockTiming = { leaseMs: 60_000, pollMs: 250, maxWaitMs: 5 * 60_000 };

/**
 * Runs a load holding the exclusive lock on its warehouse table, and hands it the fence to
 * check inside its transaction. The lock is held per attempt (`holder#attempt-N`), renewed
 * every third of its lease, and released on every path.
 *
 * Waiting happens inside the activity, polling the fair queue and heartbeating. That bends
 * "waiting holds no worker slot" on purpose: a load waited inside Postgres's LOCK TABLE
 * before (holding the slot and a connection too), loads are short, and a separate
 * retry-driven lock activity would mean a workflow change for runs in flight. After
 * maxWaitMs the attempt fails retryably and Temporal's retry takes over.
 */
export async function underTableLock<T>(
  deps: ActivityDeps,
  schema: string,
  table: string,
  holder: string,
  work: (fence: Fence) => Promise<T>,
): Promise<T> {
  const timing = { ...DEFAULT_TABLE_LOCK, ...deps.tableLock };
  const locks = new TableLocks(deps.semaphores);
  const ref: TableLockRef = { table: `${schema}.${table}`, holder: `${holder}#attempt-${attempt()}`, leaseMs: timing.leaseMs };
  const token = await waitForLock(locks, ref, timing);
  let lost = false;
  const timer = setInterval(() => {
    locks.renew(ref).then((held) => (lost ||= !held), () => undefined); // an unreachable Redis: the fence still guards
    heartbeat();
  }, Math.max(200, Math.floor(timing.leaseMs / 3)));
  try {
    return await work(async (client) => {
      // Lost per Redis already: don't even try. Otherwise the warehouse has the last word.
      if (lost) throw new Error(`the lock on ${ref.table} expired during the load; this load changes nothing`);
      await deps.warehouse.checkFence(client, table, token);
    });
  } finally {
    clearInterval(timer);
    await locks.release(ref).catch(() => undefined); // else it expires on its lease
  }
}

async function waitForLock(locks: TableLocks, ref: TableLockRef, timing: TableLockTiming): Promise<number> {
  const deadline = Date.now() + timing.maxWaitMs;
  for (;;) {
    const result = await locks.acquire(ref, { pollMs: timing.pollMs, maxPollMs: timing.pollMs * 4 });
    if (result.acquired) return result.token;
    if (Date.now() > deadline || cancelled()) {
      await locks.release(ref).catch(() => undefined); // leave the queue
      throw retryableFailure('TableBusy', `table ${ref.table} stayed locked by other loads for ${timing.maxWaitMs} ms`);
    }
    heartbeat();
    await new Promise((r) => setTimeout(r, result.nextPollMs));
  }
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1; // outside an activity (tests)
  }
}

function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Outside an activity there is nothing to heartbeat.
  }
}

function cancelled(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false;
  }
}
