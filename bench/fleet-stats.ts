/**
 * The fleet bench's arithmetic, pure: percentiles of run latency, runs per minute, and
 * fairness between customers sharing one vendor account (Jain's index, set against what a
 * perfect first-come-first-served queue would give, since even a fair queue serving
 * customers `limit` at a time finishes them at different times).
 */

/** The p-th percentile (0 < p <= 100) by the nearest-rank method: a value that occurred. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], not ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

/** Runs closed per minute between the first start and the last close (ms timestamps). */
export function runsPerMinute(runs: { startMs: number; closeMs: number }[]): number {
  if (runs.length === 0) return 0;
  const first = Math.min(...runs.map((r) => r.startMs));
  const last = Math.max(...runs.map((r) => r.closeMs));
  return last > first ? (runs.length * 60_000) / (last - first) : Number.POSITIVE_INFINITY;
}

/**
 * Jain's fairness index of positive amounts (here, customers' run latencies): 1 when all
 * are equal, 1/n when one customer has everything. (Σx)² / (n·Σx²).
 */
export function jainIndex(values: number[]): number {
  if (values.length === 0) throw new Error('Jain index of no values');
  if (values.some((v) => !(v >= 0))) throw new RangeError('Jain index of negative or missing values');
  const sum = values.reduce((a, b) => a + b, 0);
  const squares = values.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (values.length * squares);
}

/**
 * Jain's index of the latencies a perfect FIFO queue gives `customers` equal runs started
 * together and served `limit` at a time: the k-th customer (from 0) finishes after
 * floor(k / limit) + 1 service times. What the measured index is set against.
 */
export function fifoJainIndex(customers: number, limit: number): number {
  if (!(customers >= 1 && limit >= 1)) throw new RangeError(`need customers >= 1 and limit >= 1, not ${customers} and ${limit}`);
  return jainIndex(Array.from({ length: customers }, (_, k) => Math.floor(k / limit) + 1));
}
