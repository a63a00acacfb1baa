/**
 * Stores a list of page-set lists, so that one key and a count travel through history
 * instead of one key per batch: the run's result (and a backfill's children's results)
 * and a fan-out chunk's result (workflows/fan-out-chunk.ts). activities/page-sets.ts reads
 * such a list wherever a page-set list is read.
 */
import type { IngestSummary, RunContext } from '../core/contracts';
import { runPrefix } from '../core/run-plan';
import type { ActivityDeps } from './deps';

export interface StoreRawListsInput {
  run: RunContext;
  /** Page-set lists (object keys, or keys of lists of them) of the step whose records are loaded, in order. */
  pageLists: string[];
  /** Under the run's raw prefix, without `.json`; the run's own list when not given. */
  name?: string;
}

export function storeRawListsActivity(deps: ActivityDeps) {
  return async function storeRawLists({ run, pageLists, name }: StoreRawListsInput): Promise<IngestSummary['rawLists']> {
    // Fixed by the run (and the name): a retry rewrites the same object.
    const key = `${runPrefix('raw', run, run.runId)}/${name ?? 'raw-lists'}.json`;
    await deps.objectStore.put(key, JSON.stringify(pageLists), 'application/json');
    return { count: pageLists.length, key };
  };
}
