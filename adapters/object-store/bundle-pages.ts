/**
 * Reads stored pages that may lie in answer bundles (adapters/object-store/answer-bundle.ts): a page with a
 * byte range is a slice of its bundle, which is read ONCE and kept while the pages after it
 * read from it; a page without one is its own object, read as before.
 *
 * A fan-out batch's answers are listed in item order, and a bundle holds consecutive items,
 * so the pages of one bundle come one after another, at most interrupted by an item stored
 * on its own (a large answer): one bundle is kept, and replaced only by the next bundle. The
 * objects read are then, in order, `readOrder(pages)`: what a ReadAheadStore is given to
 * read ahead of the reader.
 */
import { Readable } from 'node:stream';
import type { ObjectStore } from './object-store';

export interface PageRange {
  offset: number;
  length: number;
}

export interface StoredPage {
  key: string;
  /** The page's bytes within `key`, when `key` is a bundle. */
  range?: PageRange;
}

/** A page's name in messages: its key, and its bytes in a bundle. */
export function pageName(page: StoredPage): string {
  return page.range ? `${page.key} (bytes ${page.range.offset}..${page.range.offset + page.range.length - 1})` : page.key;
}

/** The objects a PageOpener reads for `pages`, in order: each page's own object, and each bundle once per run of its pages. */
export function readOrder(pages: readonly StoredPage[]): string[] {
  const keys: string[] = [];
  let bundle: string | undefined;
  for (const page of pages) {
    if (!page.range) keys.push(page.key);
    else if (page.key !== bundle) keys.push((bundle = page.key));
  }
  return keys;
}

export class PageOpener {
  private kept?: { key: string; bytes: Promise<Buffer> };

  constructor(private readonly store: ObjectStore) {}

  /** The page's bytes as a stream: its own object's stream, or its slice of its bundle. */
  async stream(page: StoredPage): Promise<Readable> {
    if (!page.range) return this.store.getStream(page.key);
    return Readable.from([await this.slice(page, page.range)], { objectMode: false });
  }

  async text(page: StoredPage): Promise<string> {
    if (!page.range) return this.store.getText(page.key);
    return (await this.slice(page, page.range)).toString('utf8');
  }

  private async slice(page: StoredPage, range: PageRange): Promise<Buffer> {
    let kept = this.kept;
    if (kept?.key !== page.key) {
      const read = readWhole(this.store, page.key);
      kept = this.kept = { key: page.key, bytes: read };
      // A failed read is not kept: the next page of the bundle asks the store again.
      read.catch(() => {
        if (this.kept?.bytes === read) this.kept = undefined;
      });
    }
    const bytes = await kept.bytes;
    if (range.offset + range.length > bytes.length) throw new Error(`${pageName(page)} lies past the end of ${page.key} (${bytes.length} bytes) in ${this.store.location}`);
    return bytes.subarray(range.offset, range.offset + range.length);
  }
}

async function readWhole(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(key)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
