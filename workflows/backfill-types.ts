/**
 * Shapes shared by the backfill workflow and the CLI. Plain data only: they travel
 * through workflow history, so they hold ids, windows and counts, never records.
 */
import type { DateWindow } from '../core/run-plan';
import type { IngestOptions } from '../core/contracts';

export interface BackfillItem {
  customer: string;
  stream: string;
  window: DateWindow;
}

export interface BackfillInput {
  vendor: string;
  /** The request as the operator typed it: kept so `dif retry` can re-run it. */
  request: { customer: string; from: string; to: string; windowDays?: number; streams?: string[] };
  items: BackfillItem[];
  parallel: number;
  options?: IngestOptions;
}

export type ItemStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface ItemResult extends BackfillItem {
  workflowId: string;
  status: ItemStatus;
  recordsFetched?: number;
  rowsLoaded?: number;
  error?: string;
}

export interface BackfillProgress {
  total: number;
  pending: number;
  running: number;
  completed: number;
  failed: number;
  skipped: number;
  items: ItemResult[];
}

/** Counts of a list of item results. */
export function countProgress(items: ItemResult[]): BackfillProgress {
  const n = (s: ItemStatus) => items.filter((i) => i.status === s).length;
  return { total: items.length, pending: n('pending'), running: n('running'), completed: n('completed'), failed: n('failed'), skipped: n('skipped'), items };
}
