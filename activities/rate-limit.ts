/**
 * The vendor's request rate, enforced across every worker with rate-limiter-flexible on
 * Redis (a well-kept library whose Lua keeps the count atomic). A request over the limit
 * waits here for its turn; the waits are short by construction (under a second at
 * typical limits), so holding the activity slot meanwhile costs little.
 */
import type Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { VendorConfig } from '../interpreter/config-schema';

const limiters = new Map<string, RateLimiterRedis>();

function limiterFor(redis: Redis, requestsPerSecond: number): RateLimiterRedis {
  // Whole points over a window long enough for slow limits (0.2 rps = 1 point per 5 s).
  const duration = Math.max(1, Math.ceil(1 / requestsPerSecond));
  const points = Math.max(1, Math.floor(requestsPerSecond * duration));
  const id = `${points}/${duration}`;
  let limiter = limiters.get(id);
  if (!limiter) {
    limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'dif-rate', points, duration });
    limiters.set(id, limiter);
  }
  return limiter;
}

export async function awaitRateLimit(redis: Redis, config: VendorConfig, customer: string): Promise<void> {
  const limit = config.rateLimit;
  if (!limit) return;
  const scope = limit.scope ?? config.semaphore.scope;
  const key = scope === 'account' ? config.vendor : `${config.vendor}:${customer}`;
  const limiter = limiterFor(redis, limit.requestsPerSecond);
  for (;;) {
    try {
      await limiter.consume(key);
      return;
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, e.msBeforeNext)));
    }
  }
}
