import type { ObjectStore } from '../adapters/object-store';
import type { PageSet, RawPage } from '../core/contracts';
import { pageKey } from '../core/run-plan';

/** Every stored page named by the page-set lists at `listKeys`, in order. */
export async function* pagesOf(store: ObjectStore, listKeys: string[]): AsyncGenerator<RawPage & { ancestors?: unknown[] }> {
  for (const listKey of listKeys) {
    const sets = JSON.parse(await store.getText(listKey)) as PageSet[];
    for (const set of sets) {
      for (let page = 1; page <= set.count; page++) {
        yield { objectKey: pageKey(set.prefix, page), stepIndex: set.stepIndex, parent: set.parent as RawPage['parent'], ancestors: set.ancestors };
      }
    }
  }
}
