import type { ObjectStore } from '../adapters/object-store';
import type { PageSet, RawPage } from '../core/contracts';
import { pageKey } from '../core/run-plan';

/**
 * Every stored page named by the page-set lists at `listKeys`, in order. A stored list may
 * also hold keys of further lists instead of page sets (activities/raw-lists.ts: a fan-out
 * chunk's batches, a run's lists): those are read in place, depth first, so one key can
 * stand for any number of batches.
 */
export async function* pagesOf(store: ObjectStore, listKeys: string[]): AsyncGenerator<RawPage & { ancestors?: unknown[] }> {
  for (const listKey of listKeys) {
    const entries = JSON.parse(await store.getText(listKey)) as (PageSet | string)[];
    for (const entry of entries) {
      if (typeof entry === 'string') {
        yield* pagesOf(store, [entry]);
        continue;
      }
      if (entry.bundle) {
        // A bundled answer: one page, a byte range of its bundle (adapters/object-store/bundle-pages.ts reads it).
        yield {
          objectKey: entry.bundle.key,
          range: { offset: entry.bundle.offset, length: entry.bundle.length },
          stepIndex: entry.stepIndex,
          parent: entry.parent as RawPage['parent'],
          ancestors: entry.ancestors,
        };
        continue;
      }
      for (let page = 1; page <= entry.count; page++) {
        yield {
          objectKey: pageKey(entry.prefix, page, entry.extension),
          stepIndex: entry.stepIndex,
          parent: entry.parent as RawPage['parent'],
          ancestors: entry.ancestors,
          ...(entry.compression ? { compression: entry.compression } : {}),
        };
      }
    }
  }
}
