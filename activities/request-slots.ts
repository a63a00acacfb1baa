/**
 * The vendor's limit on concurrent requests (config `concurrency.requests`, issue 21 item
 * 7), across every run and worker: each request holds a permit of a fair counting semaphore
 * in Redis (adapters/locks/semaphores.ts, the one behind the run-level semaphore) from
 * before it is sent until its answer is read. Waiting is a short poll here, inside the
 * request: the semaphore never waits itself.
 *
 * Holders are named per client and slot, and names are reused once given back: the
 * semaphore keeps a day's tombstone per holder name, which must not grow with every request.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VendorConfig } from '../core/config-schema';
import type { PermitRef } from '../core/contracts';
import { semaphoreKey } from '../adapters/locks/semaphores';
import type { ActivityDeps } from './deps';

/** The head of the queue asks again this often; those further back less often (the semaphore says). */
const POLL = { pollMs: 20, maxPollMs: 500, graceMs: 5_000 };

export type ReleaseSlot = () => void;

export class RequestSlots {
  private readonly base = randomUUID();
  private readonly free: number[] = [];
  private named = 0;

  private constructor(
    private readonly deps: ActivityDeps,
    private readonly key: string,
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  /** The vendor's request slots, or undefined when its config sets no limit. */
  static of(deps: ActivityDeps, config: VendorConfig, customer: string, timeoutMs: number): RequestSlots | undefined {
    const limit = config.concurrency?.requests;
    if (!limit) return undefined;
    const scope = config.concurrency?.scope ?? config.semaphore.scope;
    const key = `${semaphoreKey(config.vendor, scope, customer, config.semaphore.account)}:requests`;
    // A request is over within its timeout (the body included); the lease only frees the slot of a worker that died.
    return new RequestSlots(deps, key, limit, 2 * timeoutMs + 30_000);
  }

  /** Waits for a slot and takes it; the returned function gives it back (once, whatever happens). */
  async take(stop?: AbortSignal): Promise<ReleaseSlot> {
    const slot = this.free.pop() ?? ++this.named;
    const ref: PermitRef = { key: this.key, limit: this.limit, holder: `request:${this.base}:${slot}`, leaseMs: this.leaseMs };
    try {
      for (;;) {
        stop?.throwIfAborted();
        const result = await this.deps.semaphores.acquire(ref, { poll: POLL });
        if (result.acquired) break;
        await sleep(result.nextPollMs, undefined, stop ? { signal: stop } : {});
      }
    } catch (e) {
      this.giveBack(ref, slot);
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.giveBack(ref, slot);
    };
  }

  private giveBack(ref: PermitRef, slot: number): void {
    // Not awaited: the answer is the caller's; a release that fails is freed by the lease.
    this.deps.semaphores.release(ref).then(
      () => this.free.push(slot),
      () => undefined,
    );
  }
}
