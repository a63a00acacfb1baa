import type Redis from 'ioredis';
import { ACQUIRE_LUA, RELEASE_LUA, RENEW_LUA, SNAPSHOT_LUA } from './fair-semaphore-lua';
import type { PermitRef } from '../../core/contracts';

/** How waiters poll: the head of the queue every pollMs, those further back less often. */
export interface PollPolicy {
  pollMs: number;
  maxPollMs: number;
  /** Slack for a late poll (a busy worker, Temporal's scheduling) before a waiter loses its place. */
  graceMs: number;
}

export const DEFAULT_POLL: PollPolicy = { pollMs: 2000, maxPollMs: 30_000, graceMs: 10_000 };

export type AcquireResult =
  | { acquired: true; token: number }
  | { acquired: false; position: number; nextPollMs: number };

export interface SemaphoreSnapshot {
  name: string;
  limit: number;
  leaseMs: number;
  /** token: the fencing token of a table lock's holder; 0 for vendor permits. */
  holders: { holder: string; acquiredAt: number; expiresAt: number; token: number }[];
  waiters: { holder: string; ticket: number; placeExpiresAt: number }[];
  /** Redis's clock when read, to turn the times above into ages. */
  now: number;
}

type Reply = (string | number | Reply)[];
interface Scripts {
  difSemAcquire(...args: (string | number)[]): Promise<Reply>;
  difSemRenew(...args: (string | number)[]): Promise<number>;
  difSemRelease(...args: (string | number)[]): Promise<number>;
  difSemSnapshot(...args: string[]): Promise<Reply>;
}

const PREFIX = 'dif:sem:';
export const keysOf = (name: string) =>
  ['holders', 'info', 'queue', 'waiting', 'gone'].map((part) => `${PREFIX}{${name}}:${part}`);

/**
 * Fair counting semaphores on Redis (Lua in fair-semaphore-lua.ts): first come, first
 * served through a ticket queue, leases on holders and on waiters' places, Redis's clock.
 * Every call is one short script and never waits: waiting is the caller's business (a
 * retried activity), so no worker slot is held while a job waits.
 */
export class RedisSemaphores {
  private readonly scripts: Scripts;

  constructor(
    private readonly redis: Redis,
    private readonly poll: PollPolicy = DEFAULT_POLL,
  ) {
    // defineCommand runs EVALSHA and falls back to EVAL after a Redis restart forgot the script.
    redis.defineCommand('difSemAcquire', { numberOfKeys: 5, lua: ACQUIRE_LUA });
    redis.defineCommand('difSemRenew', { numberOfKeys: 5, lua: RENEW_LUA });
    redis.defineCommand('difSemRelease', { numberOfKeys: 5, lua: RELEASE_LUA });
    redis.defineCommand('difSemSnapshot', { numberOfKeys: 4, lua: SNAPSHOT_LUA });
    this.scripts = redis as unknown as Scripts;
  }

  /**
   * One attempt, never waiting: takes a permit if one is free and no older waiter is ahead,
   * else joins (or keeps) its place in the queue and says when to ask again. Idempotent: a
   * holder that already has the permit gets it renewed, not refused.
   */
  async acquire(ref: PermitRef, options: { fenced?: boolean; poll?: Partial<PollPolicy> } = {}): Promise<AcquireResult> {
    const poll = { ...this.poll, ...options.poll };
    const reply = await this.scripts.difSemAcquire(
      ...keysOf(ref.key),
      ref.holder,
      ref.limit,
      ref.leaseMs,
      poll.pollMs,
      Math.max(poll.pollMs, poll.maxPollMs),
      poll.graceMs,
      options.fenced ? 1 : 0,
    );
    return Number(reply[0]) === 1
      ? { acquired: true, token: Number(reply[1]) }
      : { acquired: false, position: Number(reply[1]), nextPollMs: Number(reply[2]) };
  }

  async tryAcquire(ref: PermitRef): Promise<boolean> {
    return (await this.acquire(ref)).acquired;
  }

  /**
   * Extends the lease; false when the permit was lost (it expired or was released). After
   * Redis lost its data the holder reclaims its permit unless `reclaim` is false (table
   * locks, whose fencing token would be gone with the data).
   */
  async renew(ref: PermitRef, reclaim = true): Promise<boolean> {
    return (await this.scripts.difSemRenew(...keysOf(ref.key), ref.holder, ref.leaseMs, reclaim ? 1 : 0)) > 0;
  }

  /** Idempotent: gives the permit back, or leaves the queue; nothing when neither. */
  async release(ref: Pick<PermitRef, 'key' | 'holder'>): Promise<void> {
    await this.scripts.difSemRelease(...keysOf(ref.key), ref.holder);
  }

  async snapshot(name: string): Promise<SemaphoreSnapshot> {
    const [now, limit, leaseMs, h, w] = await this.scripts.difSemSnapshot(...keysOf(name).slice(0, 4));
    const holders: SemaphoreSnapshot['holders'] = [];
    for (let i = 0; i < (h as Reply).length; i += 4) {
      const [holder, expiresAt, acquiredAt, token] = (h as Reply).slice(i, i + 4);
      holders.push({ holder: String(holder), expiresAt: Number(expiresAt), acquiredAt: Number(acquiredAt), token: Number(token) });
    }
    const waiters: SemaphoreSnapshot['waiters'] = [];
    for (let i = 0; i < (w as Reply).length; i += 3) {
      const [holder, ticket, placeExpiresAt] = (w as Reply).slice(i, i + 3);
      waiters.push({ holder: String(holder), ticket: Number(ticket), placeExpiresAt: Number(placeExpiresAt) });
    }
    return { name, now: Number(now), limit: Number(limit), leaseMs: Number(leaseMs), holders, waiters };
  }

  /** Current holders, oldest acquisition first: for tests. */
  async holders(name: string): Promise<string[]> {
    const { holders } = await this.snapshot(name);
    return holders.sort((a, b) => a.acquiredAt - b.acquiredAt).map((h) => h.holder);
  }

  /** Names of the semaphores that have holders or waiters (SCAN: for an operator, not a hot path). */
  async names(): Promise<string[]> {
    const names = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${PREFIX}{*}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const match = /^dif:sem:\{(.*)\}:(holders|queue)$/.exec(key);
        if (match) names.add(match[1]);
      }
    } while (cursor !== '0');
    return [...names].sort();
  }
}

/**
 * Scope from the vendor config: one shared account (optionally named, when a vendor has
 * several shared accounts), or one account per customer.
 */
export function semaphoreKey(vendor: string, scope: 'account' | 'customer', customer: string, account?: string): string {
  if (scope === 'customer') return `vendor:${vendor}:customer:${customer}`;
  return account ? `vendor:${vendor}:account:${account}` : `vendor:${vendor}:account`;
}
