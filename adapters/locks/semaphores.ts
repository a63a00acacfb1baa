import type Redis from 'ioredis';
import { Semaphore } from 'redis-semaphore';

/**
 * A permit in a distributed counting semaphore, named entirely by values so it can travel
 * through workflow history: acquire, renew and release happen in different activities,
 * possibly on different workers.
 */
export interface PermitRef {
  /** Semaphore name, e.g. `vendor:demo-ads:customer:acme`. */
  key: string;
  limit: number;
  /** Unique per holder (the workflow run), so a retried acquire recognises its own permit. */
  holder: string;
  leaseMs: number;
}

/**
 * Counting semaphores on Redis through redis-semaphore (a sorted set of holders scored by
 * their last renewal, changed only by Lua scripts). A holder that stops renewing drops out
 * after `leaseMs`, so a dead worker never keeps a permit.
 */
export class RedisSemaphores {
  constructor(private readonly redis: Redis) {}

  private semaphore(ref: PermitRef, external: boolean): Semaphore {
    return new Semaphore(this.redis, ref.key, ref.limit, {
      identifier: ref.holder,
      lockTimeout: ref.leaseMs,
      acquireAttemptsLimit: 1,
      refreshInterval: 0, // renewal is driven by the activities that run under the permit
      ...(external ? { acquiredExternally: true as const } : {}),
    });
  }

  /**
   * One attempt, never waiting. Idempotent: a holder that already has the permit (its
   * earlier attempt succeeded but the answer was lost) gets it renewed, not refused.
   */
  async tryAcquire(ref: PermitRef): Promise<boolean> {
    if (await this.renew(ref)) return true;
    return this.semaphore(ref, false).tryAcquire();
  }

  /** Extends the lease; false when the permit was lost (expired and possibly taken). */
  async renew(ref: PermitRef): Promise<boolean> {
    return this.semaphore(ref, true).tryAcquire();
  }

  async release(ref: PermitRef): Promise<void> {
    await this.semaphore(ref, true).release();
  }

  /** Current holders, oldest renewal first: for `dif locks` and tests. */
  async holders(key: string): Promise<string[]> {
    return this.redis.zrange(`semaphore:${key}`, 0, -1);
  }
}

/** Scope from the vendor config: one shared account, or one account per customer. */
export function semaphoreKey(vendor: string, scope: 'account' | 'customer', customer: string): string {
  return scope === 'account' ? `vendor:${vendor}:account` : `vendor:${vendor}:customer:${customer}`;
}
