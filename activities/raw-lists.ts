/**
 * Stores the list of page-set lists a run loaded, so the run's result (and a backfill's
 * children's results) carry one key and a count instead of one key per batch.
 */
import type { IngestSummary, RunContext } from '../core/contracts';
import { runPrefix } from '../core/run-plan';
import type { ActivityDeps } from './deps';

export interface StoreRawListsInput {
  run: RunContext;
  /** Page-set lists (object keys) of the step whose records are loaded, in order. */
  pageLists: string[];
}

export function storeRawListsActivity(deps: ActivityDeps) {
  return async function storeRawLists({ run, pageLists }: StoreRawListsInput): Promise<IngestSummary['rawLists']> {
    // Fixed by the run: a retry rewrites the same object.
    const key = `${runPrefix('raw', run, run.runId)}/raw-lists.json`;
    await deps.objectStore.put(key, JSON.stringify(pageLists), 'application/json');
    return { count: pageLists.length, key };
  };
}
