/**
 * An object store that reports each page's stored outcome (status, record count, and the
 * pagination's decision: the next page, or done and why) as fetchPages writes it, so
 * `dif try` shows the decision taken after each page without a second copy of the logic.
 */
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import { ForwardingStore } from '../../adapters/object-store/forwarding-store';
import type { PageDecision } from '../../core/pagination';

export interface StoredPageMeta {
  status: number;
  records: number;
  decision: PageDecision;
}

/** `…/page-000003.meta.json`, the key fetchPages stores a page's decision under (core/run-plan.ts pageMetaKey). */
const META_KEY = /\/page-(\d{6})\.meta\.json$/;

export class WatchedStore extends ForwardingStore {
  constructor(
    inner: ObjectStore,
    private readonly onPage: (page: number, meta: StoredPageMeta) => void,
  ) {
    super(inner);
  }

  override async put(key: string, body: string | Buffer | Readable, contentType?: string): Promise<{ bytes: number }> {
    const written = await this.inner.put(key, body, contentType);
    const page = META_KEY.exec(key);
    if (page && typeof body === 'string') this.onPage(Number(page[1]), JSON.parse(body) as StoredPageMeta);
    return written;
  }
}
