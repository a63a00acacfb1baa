import type { PermitRef } from '../adapters/locks/semaphores';
import type { LoadSummary, RunContext } from '../interpreter/contracts';
import type { ActivityDeps } from './deps';
import { pinnedRun } from './pinned-config';
import { underPermit } from './permits';
import { underTableLock } from './table-lock';

export interface LoadCsvInput {
  run: RunContext;
  csvKey: string;
  permit: PermitRef;
}

/**
 * Loads the run's CSV into the stream's table with a deduplicating merge in one
 * transaction. Re-running it (a retry, or a re-run of the window) gives the same table.
 */
export function loadCsvActivity(deps: ActivityDeps) {
  return async function loadCsv({ run, csvKey, permit }: LoadCsvInput): Promise<LoadSummary> {
    return underPermit(deps, permit, async () => {
      const { config } = await pinnedRun(deps.objectStore, run.configKey);
      const table = config.streams[run.stream].table;
      // One loader per table at a time, and a stale one (lease lost while paused) refused by the fence.
      return underTableLock(deps, deps.warehouse.schema, table.name, permit.holder, async (fence) =>
        deps.warehouse.load(table, await deps.objectStore.getStream(csvKey), { inTransaction: fence }),
      );
    });
  };
}
