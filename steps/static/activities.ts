/** Stores a static step's records as its one page, where toCsv and dependent steps read pages. */
import type { FetchResult, PageSet, RunContext } from '../../interpreter/contracts';
import { pageKey, pageSetPrefix, runPrefix } from '../../interpreter/run-plan';
import type { ActivityDeps } from '../../activities/deps';
import { pinnedRunOf, stepConfigOf } from '../../activities/pinned-config';

export function staticActivities(deps: ActivityDeps) {
  return {
    async storeStatic({ run, stepIndex }: { run: RunContext; stepIndex: number }): Promise<FetchResult> {
      const step = stepConfigOf(await pinnedRunOf(deps, run.configKey), run, stepIndex, 'static');
      const prefix = pageSetPrefix(runPrefix('raw', run, run.runId), step.name);
      await deps.objectStore.put(pageKey(prefix, 1), JSON.stringify(step.data), 'application/json');
      const listKey = `${prefix}/pagesets.json`;
      const sets: PageSet[] = [{ prefix, count: 1, stepIndex }];
      await deps.objectStore.put(listKey, JSON.stringify(sets), 'application/json');
      return { listKey, pages: 1, units: 1 };
    },
  };
}
