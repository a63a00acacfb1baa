/** What every decoder shares: the batch size, its error, and the hooks the preprocessor gives it. */

/** Records per batch: large enough to amortise per-batch costs, small enough to stay flat in memory. */
export const BATCH = 1000;

export class DecodeError extends Error {
  override name = 'DecodeError';
}

export interface DecodeHooks {
  /** Called once per file with its header (CSV/TSV) or the fields of its first record (JSON). */
  onFields?(fields: string[]): void;
  onReject(number: number, reason: string, raw: unknown): void;
}

