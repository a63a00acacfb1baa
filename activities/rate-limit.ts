/**
 * The vendor's request rate, enforced across every worker through Redis with GCRA (the
 * generic cell rate algorithm): each request reserves the next free slot, 1/rate apart,
 * and sleeps until it. A request may cost more than one slot (a GraphQL query's cost, a
 * vendor's usage units): it reserves `cost` slots, so the request after it waits that
 * many intervals. One atomic script per request, Redis's own clock (no worker clock
 * skew), no retry loop. A vendor's usage headers may set a hold (holdRateLimit): no slot
 * is reserved before it ends.
 *
 * Why not rate-limiter-flexible: its Redis limiter counts in fixed windows of whole
 * seconds, which lets twice the limit through around a window boundary (measured: 6
 * requests in one second under a limit of 4); vendors that count per second reject that.
 */
import type Redis from 'ioredis';
import type { VendorConfig } from '../core/config-schema';
import { limiterWaited } from '../runtime/metrics/hooks';

const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local hold = tonumber(redis.call('GET', KEYS[2]) or '0')
if tat < hold then tat = hold end
redis.call('SET', KEYS[1], tat + interval * cost, 'PX', math.ceil(tat + interval * cost - now + 1000))
return tat - now
`;

/**
 * Holds every worker's next request of this vendor and scope until now + holdMs (Redis's
 * clock): the vendor's usage headers said it is near its limit. Only ever lengthens a hold.
 */
const HOLD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= hold then return 0 end
redis.call('SET', KEYS[1], hold, 'PX', math.ceil(hold - now + 1000))
return 1
`;

export async function awaitRateLimit(redis: Redis, config: VendorConfig, customer: string, cost = 1): Promise<void> {
  if (!(cost > 0)) throw new RangeError(`a request's rate-limit cost must be positive, not ${cost}`);
  const limit = config.rateLimit;
  if (!limit) return;
  const key = rateKey(config, customer);
  const waitMs = Number(await redis.eval(RESERVE, 2, key, `${key}:hold`, String(1000 / limit.requestsPerSecond), String(cost)));
  limiterWaited(config.vendor, waitMs);
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
}

/** Tells every worker to wait `holdMs` before its next request of this vendor and scope; true when it lengthened the hold. */
export async function holdRateLimit(redis: Redis, config: VendorConfig, customer: string, holdMs: number): Promise<boolean> {
  if (!config.rateLimit || !(holdMs > 0)) return false;
  return Number(await redis.eval(HOLD, 1, `${rateKey(config, customer)}:hold`, String(Math.ceil(holdMs)))) === 1;
}

function rateKey(config: VendorConfig, customer: string): string {
  const scope = config.rateLimit?.scope ?? config.semaphore.scope;
  return `dif-rate:${scope === 'account' ? config.vendor : `${config.vendor}:${customer}`}`;
}
