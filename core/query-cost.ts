/**
 * Cost-based throttling read from GraphQL answers, free of I/O: how long every worker
 * should hold its next query so the vendor's cost bucket has refilled enough for it. The
 * Redis hold itself is the shared limiter's (activities/rate-limit.ts holdRateLimit), as
 * for usage headers (core/usage-headers.ts); this file only reads and decides.
 *
 * Formats, as their vendors document them:
 * - `shopify`: `extensions.cost` of every Admin GraphQL answer (also of a THROTTLED one):
 *   `requestedQueryCost`, `actualQueryCost` (null when throttled) and `throttleStatus`
 *   { maximumAvailable, currentlyAvailable, restoreRate } — a leaky bucket of points that
 *   refills at restoreRate points a second; a query runs only when the bucket holds its
 *   requested cost (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits).
 */

export type QueryCostFormat = 'shopify';
export const QUERY_COST_FORMATS: readonly QueryCostFormat[] = ['shopify'];

/** A bucket as an answer reports it. */
export interface CostReading {
  /** Points in the bucket now. */
  available: number;
  /** Bucket size. */
  maximum: number;
  /** Points restored a second. */
  restorePerSecond: number;
  /** What the query just sent asked for: the next one, of the same shape, will ask as much. */
  requested?: number;
}

export interface CostHold {
  holdMs: number;
  reason: string;
}

export function readCost(format: QueryCostFormat, answer: unknown): CostReading | undefined {
  return READERS[format](answer);
}

const READERS: Record<QueryCostFormat, (answer: unknown) => CostReading | undefined> = { shopify: readShopify };

function readShopify(answer: unknown): CostReading | undefined {
  const cost = field(field(answer, 'extensions'), 'cost');
  const status = field(cost, 'throttleStatus');
  const available = finite(field(status, 'currentlyAvailable'));
  const maximum = finite(field(status, 'maximumAvailable'));
  const restorePerSecond = finite(field(status, 'restoreRate'));
  if (available === undefined || maximum === undefined || restorePerSecond === undefined || restorePerSecond <= 0) return undefined;
  const requested = finite(field(cost, 'requestedQueryCost'));
  return { available, maximum, restorePerSecond, ...(requested !== undefined ? { requested } : {}) };
}

/**
 * The wait before the next query: none while the bucket holds what the next query will
 * ask (the last query's requested cost, never more than the bucket's size); otherwise the
 * time the restore rate takes to refill the difference, capped at `maxHoldMs` (a wrong or
 * hostile answer must not stop a vendor for a day).
 */
export function costHold(reading: CostReading, maxHoldMs: number): CostHold | undefined {
  const needed = Math.min(reading.requested ?? 0, reading.maximum);
  const missing = needed - reading.available;
  if (!(missing > 0)) return undefined;
  const holdMs = Math.min(maxHoldMs, Math.ceil((missing / reading.restorePerSecond) * 1000));
  return {
    holdMs,
    reason: `query cost ${needed} with ${reading.available} of ${reading.maximum} points available, restoring ${reading.restorePerSecond}/s`,
  };
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
