/**
 * The vendor's request rate, enforced across every worker through Redis with GCRA (the
 * generic cell rate algorithm): each request reserves the next free slot, 1/rate apart,
 * and sleeps until it. A request may cost more than one slot (a GraphQL query's cost, a
 * vendor's usage units): it reserves `cost` slots, so the request after it waits that
 * many intervals. One atomic script per request, Redis's own clock (no worker clock
 * skew), no retry loop.
 *
 * Why not rate-limiter-flexible: its Redis limiter counts in fixed windows of whole
 * seconds, which lets twice the limit through around a window boundary (measured: 6
 * requests in one second under a limit of 4); vendors that count per second reject that.
 */
import type Redis from 'ioredis';
import type { VendorConfig } from '../core/config-schema';

const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], tat + interval * cost, 'PX', math.ceil(tat + interval * cost - now + 1000))
return tat - now
`;

export async function awaitRateLimit(redis: Redis, config: VendorConfig, customer: string, cost = 1): Promise<void> {
  if (!(cost > 0)) throw new RangeError(`a request's rate-limit cost must be positive, not ${cost}`);
  const limit = config.rateLimit;
  if (!limit) return;
  const scope = limit.scope ?? config.semaphore.scope;
  const key = `dif-rate:${scope === 'account' ? config.vendor : `${config.vendor}:${customer}`}`;
  const waitMs = Number(await redis.eval(RESERVE, 1, key, String(1000 / limit.requestsPerSecond), String(cost)));
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}
