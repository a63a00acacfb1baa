/**
 * An object store that reports each page's stored outcome (status, record count, and the
 * pagination's decision: the next page, or done and why) as fetchPages writes it, so
 * `dif try` shows the decision taken after each page without a second copy of the logic.
 */
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { PageDecision } from '../../core/pagination';

export interface StoredPageMeta {
  status: number;
  records: number;
  decision: PageDecision;
}

/** `…/page-000003.meta.json`, the key fetchPages stores a page's decision under (core/run-plan.ts pageMetaKey). */
const META_KEY = /\/page-(\d{6})\.meta\.json$/;

export class WatchedStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly onPage: (page: number, meta: StoredPageMeta) => void,
  ) {}

  get location(): string {
    return this.inner.location;
  }

  async put(key: string, body: string | Buffer | Readable, contentType?: string): Promise<{ bytes: number }> {
    const written = await this.inner.put(key, body, contentType);
    const page = META_KEY.exec(key);
    if (page && typeof body === 'string') this.onPage(Number(page[1]), JSON.parse(body) as StoredPageMeta);
    return written;
  }

  getStream(key: string): Promise<Readable> {
    return this.inner.getStream(key);
  }

  getText(key: string): Promise<string> {
    return this.inner.getText(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
}
