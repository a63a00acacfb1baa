/**
 * The workflow's part of an incremental stream: after the load committed, the greatest
 * cursor among the rows written is stored (never before the load, so the stored value is
 * always one whose rows are all in the warehouse). A backfill (`incremental: 'window'`)
 * stores nothing, so it can never move the cursor backwards, nor past rows it did not read.
 */
import { patched, type ActivityOptions } from '@temporalio/workflow';
import type { RunContext, RunPlan } from '../core/contracts';

type StoreCursor = { executeWithOptions(options: ActivityOptions, args: [{ run: RunContext; cursor: string }]): Promise<{ cursor: string }> };

/** Stores `maxCursor` for the run's stream and partition (GREATEST in MySQL); returns the value stored now, or undefined when nothing was stored. */
export async function storeCursorAfterLoad(
  storeCursor: StoreCursor,
  options: (summary: string) => ActivityOptions,
  plan: RunPlan,
  run: RunContext,
  maxCursor: string | undefined,
): Promise<string | undefined> {
  if (!plan.incremental || plan.incremental.mode !== 'state' || maxCursor === undefined) return undefined;
  // Plans of runs started before incremental streams never have `incremental`; patched() marks the new call all the same.
  if (!patched('incremental-state')) return undefined;
  const { cursor } = await storeCursor.executeWithOptions(options(`store cursor ${maxCursor}`), [{ run, cursor: maxCursor }]);
  return cursor;
}
