/**
 * The Lua scripts behind the fair semaphore (semaphores.ts). Each runs atomically in Redis.
 *
 * Why not redis-semaphore: its Semaphore is a sorted set of holders and an acquire is "take
 * a place if there is room right now". A waiter whose retry is scheduled 2 s later loses
 * every race against a newcomer that happens to ask the moment a permit frees, so an old
 * waiter can starve. It also dates holders by the client's clock. Fairness needs a waiting
 * queue checked in the same atomic step as the holder count, so these scripts keep one.
 *
 * Keys of one semaphore (the `{name}` hash tag keeps them in one Redis Cluster slot):
 *   dif:sem:{name}:holders  ZSET holder -> lease expiry (ms, Redis clock)
 *   dif:sem:{name}:info     HASH holder -> acquired-at ms; "token:"..holder -> fencing token;
 *                                 "limit", "leaseMs" (for `dif locks`), "seq", "fence"
 *   dif:sem:{name}:queue    ZSET waiter -> ticket (FIFO order)
 *   dif:sem:{name}:waiting  ZSET waiter -> place expiry (ms): a waiter that stops asking loses its place
 *   dif:sem:{name}:gone     ZSET holder -> when it released or expired: tells "lost" from "Redis lost its data"
 *
 * Time is Redis's own (TIME), so workers with skewed clocks agree on every lease.
 */

/** Shared prologue: the clock, and the removal of expired holders and abandoned waiters. */
const PRUNE = `
local holders, info, queue, waiting, gone = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', holders, '-inf', now)
for _, h in ipairs(expired) do
  redis.call('ZREM', holders, h)
  redis.call('HDEL', info, h, 'token:' .. h)
  redis.call('ZADD', gone, now, h)
end
local abandoned = redis.call('ZRANGEBYSCORE', waiting, '-inf', now)
for _, w in ipairs(abandoned) do
  redis.call('ZREM', queue, w)
  redis.call('ZREM', waiting, w)
end
-- Tombstones are kept a day: long enough to tell any paused holder that it lost its permit.
redis.call('ZREMRANGEBYSCORE', gone, '-inf', now - 86400000)
local function keep()
  -- An unused semaphore disappears after a day; nothing in it matters by then.
  for i = 1, 5 do redis.call('PEXPIRE', KEYS[i], 86400000) end
end
`;

/**
 * tryAcquire. ARGV: holder, limit, leaseMs, pollMs, maxPollMs, graceMs, fenced (1/0).
 * Returns {1, token} when held (a holder asking again is renewed: retried acquires are
 * idempotent), else {0, position, nextPollMs}. A waiter takes a ticket on its first ask and
 * keeps it while it keeps asking; only the first `limit - holders` tickets may take a free
 * permit, so nobody overtakes an older waiter. The caller polls again after nextPollMs
 * (longer for waiters further back); its place lasts 3 polls plus graceMs.
 */
export const ACQUIRE_LUA = `${PRUNE}
local holder, limit, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local pollMs, maxPollMs, graceMs, fenced = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7] == '1'
redis.call('HSET', info, 'limit', limit, 'leaseMs', lease)
keep()
if redis.call('ZSCORE', holders, holder) then
  redis.call('ZADD', holders, now + lease, holder)
  return {1, tonumber(redis.call('HGET', info, 'token:' .. holder) or '0')}
end
if not redis.call('ZSCORE', queue, holder) then
  redis.call('ZADD', queue, redis.call('HINCRBY', info, 'seq', 1), holder)
end
local rank = redis.call('ZRANK', queue, holder)
local free = limit - redis.call('ZCARD', holders)
if rank < free then
  redis.call('ZREM', queue, holder)
  redis.call('ZREM', waiting, holder)
  redis.call('ZREM', gone, holder)
  redis.call('ZADD', holders, now + lease, holder)
  redis.call('HSET', info, holder, now)
  local token = 0
  if fenced then
    -- INCR, floored by the clock: tokens keep growing even if Redis lost its data.
    token = math.max(tonumber(redis.call('HGET', info, 'fence') or '0') + 1, now)
    redis.call('HSET', info, 'fence', token, 'token:' .. holder, token)
  end
  return {1, token}
end
local position = rank + 1
local nextPoll = math.min(pollMs * math.ceil(position / limit), maxPollMs)
redis.call('ZADD', waiting, now + 3 * nextPoll + graceMs, holder)
return {0, position, nextPoll}
`;

/**
 * renew. ARGV: holder, leaseMs, reclaim (1/0). Returns 1 renewed, 2 reclaimed, 0 lost.
 * A holder Redis has no trace of (neither holding nor a tombstone) means Redis lost its
 * data (a restart without persistence): with reclaim=1 it takes its permit back, even above
 * the limit, because its job is running anyway and refusing would only kill it; newcomers
 * then wait until the count is under the limit again. A holder with a tombstone expired or
 * released: it lost the permit and must stop.
 */
export const RENEW_LUA = `${PRUNE}
local holder, lease, reclaim = ARGV[1], tonumber(ARGV[2]), ARGV[3] == '1'
if redis.call('ZSCORE', holders, holder) then
  redis.call('ZADD', holders, now + lease, holder)
  keep() -- a job may outlive the day its keys were last kept for
  return 1
end
if reclaim and not redis.call('ZSCORE', gone, holder) then
  redis.call('ZADD', holders, now + lease, holder)
  redis.call('HSET', info, holder, now, 'leaseMs', lease)
  keep()
  return 2
end
return 0
`;

/** release. ARGV: holder. Gives the permit back, or the place in the queue of a waiter that gives up. */
export const RELEASE_LUA = `${PRUNE}
local holder = ARGV[1]
local held = redis.call('ZREM', holders, holder)
redis.call('HDEL', info, holder, 'token:' .. holder)
redis.call('ZREM', queue, holder)
redis.call('ZREM', waiting, holder)
redis.call('ZADD', gone, now, holder)
return held
`;

/**
 * snapshot (read only). Returns {now, limit, leaseMs, holders[], waiters[]} where holders is a
 * flat list holder, expiresAt, acquiredAt, fencing token (0 if none) and waiters a flat list waiter, ticket, placeExpiresAt;
 * entries already past their expiry are left out.
 */
export const SNAPSHOT_LUA = `
local holders, info, queue, waiting = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hs = {}
local h = redis.call('ZRANGEBYSCORE', holders, '(' .. now, '+inf', 'WITHSCORES')
for i = 1, #h, 2 do
  table.insert(hs, h[i]); table.insert(hs, h[i + 1]); table.insert(hs, redis.call('HGET', info, h[i]) or '0')
  table.insert(hs, redis.call('HGET', info, 'token:' .. h[i]) or '0')
end
local ws = {}
local q = redis.call('ZRANGE', queue, 0, -1, 'WITHSCORES')
for i = 1, #q, 2 do
  local until_ = tonumber(redis.call('ZSCORE', waiting, q[i]) or '0')
  if until_ > now then table.insert(ws, q[i]); table.insert(ws, q[i + 1]); table.insert(ws, tostring(until_)) end
end
return {tostring(now), redis.call('HGET', info, 'limit') or '0', redis.call('HGET', info, 'leaseMs') or '0', hs, ws}
`;
