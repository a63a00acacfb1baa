/**
 * A fan-out batch's small answers gathered into bundles (adapters/object-store/answer-bundle.ts) as fetchPages
 * receives them, each bundle written with one put; and, for a retried batch, the answers its
 * earlier attempts stored in bundles, which are never fetched again.
 */
import type { ObjectStore } from '../../adapters/object-store';
import { bundleIndex, bundleKey, encodeBundle, type BundleRange } from '../../adapters/object-store/answer-bundle';

export interface BundleLimits {
  /** Answers per bundle at most. */
  items: number;
  /** Bytes per bundle: it is written once it holds this many (so at most this plus one small answer). */
  bytes: number;
}

/**
 * Measured on `DIF_BENCH_ITEMS=10000 node dist/bench/index.js fanout` (batches of 500 items
 * of ~100 bytes, local store; README "Benchmarks"): see BUNDLE_LIMITS_MEASURED below.
 */
export const DEFAULT_BUNDLE_LIMITS: BundleLimits = { items: 100, bytes: 8 * 1024 * 1024 };

interface Held {
  item: number;
  body: Buffer;
  contentType?: string;
}

export class BundleWriter {
  /** Where each item's answer is stored: by this attempt's bundles, and by an earlier attempt's (resume). */
  readonly stored = new Map<number, BundleRange>();
  private held: Held[] = [];
  private bytes = 0;

  constructor(
    private readonly store: ObjectStore,
    /** adapters/object-store/answer-bundle.ts bundlePrefix: fixed by run, step and batch. */
    private readonly prefix: string,
    private readonly limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
  ) {}

  /** Keeps an item's answer (its scrubbed bytes) for the next bundle. */
  add(item: number, body: Buffer, contentType: string | undefined): void {
    this.held.push({ item, body, contentType });
    this.bytes += body.length;
  }

  /** The bundle is due: it holds as many answers or bytes as a bundle takes. */
  get full(): boolean {
    return this.held.length >= this.limits.items || this.bytes >= this.limits.bytes;
  }

  /** Answers received and not yet stored. */
  get pending(): number {
    return this.held.length;
  }

  /** Writes the answers held as one bundle (one atomic put); nothing when none are held. */
  async flush(): Promise<void> {
    if (!this.held.length) return;
    const held = this.held;
    const { bytes, index } = encodeBundle(held);
    const key = bundleKey(this.prefix, index, bytes);
    await this.store.put(key, bytes, 'application/x-dif-bundle');
    // Only once stored: a failed put leaves the answers held, for the flush on the way out.
    this.held = [];
    this.bytes = 0;
    for (const entry of index) this.stored.set(entry.item, { key, offset: entry.offset, length: entry.length });
  }

  /**
   * The answers earlier attempts of this batch stored in bundles (a retried attempt): each
   * bundle under the batch's prefix is read and its index kept. An answer in no bundle
   * (fetched, but not yet written when the worker died) is fetched again.
   */
  async resume(): Promise<number> {
    for (const key of await this.store.list(this.prefix)) {
      if (!key.endsWith('.bundle')) continue;
      const bytes = Buffer.from(await readAll(this.store, key));
      for (const entry of bundleIndex(bytes, key)) if (!this.stored.has(entry.item)) this.stored.set(entry.item, { key, offset: entry.offset, length: entry.length });
    }
    return this.stored.size;
  }
}

async function readAll(store: ObjectStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(key)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
