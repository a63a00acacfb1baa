import type { AcquireResult, PollPolicy, RedisSemaphores } from './semaphores';

/** One holder's claim on a warehouse table; `token` is its fencing token once acquired. */
export interface TableLockRef {
  /** Qualified table name, e.g. `dif.demo_ads_campaign_daily`. */
  table: string;
  /** Unique per load attempt, so a zombie attempt and its retry never share a token. */
  holder: string;
  leaseMs: number;
}

/**
 * Exclusive locks on warehouse tables for the loader, on the same fair semaphore as the
 * vendor permits (limit 1, FIFO, leases) plus a fencing token: a number that grows with
 * every new holder (INCR on acquire, floored by Redis's clock so a Redis that lost its data
 * still hands out larger numbers). A lease can expire while its holder is paused (GC, a
 * frozen VM); the holder then still believes it holds the lock. The token stops it: the
 * loader checks it inside the warehouse transaction (adapters/warehouse/fencing.ts), and a
 * smaller token than the last one written is refused there.
 */
export class TableLocks {
  constructor(private readonly semaphores: RedisSemaphores) {}

  private permit(ref: TableLockRef) {
    return { key: `table:${ref.table}`, limit: 1, holder: ref.holder, leaseMs: ref.leaseMs };
  }

  /** One attempt, never waiting (see RedisSemaphores.acquire); `token` when acquired. */
  acquire(ref: TableLockRef, poll?: Partial<PollPolicy>): Promise<AcquireResult> {
    return this.semaphores.acquire(this.permit(ref), { fenced: true, ...(poll ? { poll } : {}) });
  }

  /** False once the lock is lost. Never reclaims after a Redis data loss: the token went with it. */
  renew(ref: TableLockRef): Promise<boolean> {
    return this.semaphores.renew(this.permit(ref), false);
  }

  release(ref: TableLockRef): Promise<void> {
    return this.semaphores.release(this.permit(ref));
  }
}
