/**
 * Reads a known sequence of objects ahead of their reader, a bounded number at a time.
 *
 * toCsv reads every stored page of a run in order, and a fan-out leaves one small object per
 * item (50,000 of them in the fanout bench): read one after the other, each pays the store's
 * round trips (open, read, close on disk; a GET on S3) while the CSV side waits. Here up to
 * `objects` of the next objects are opened and read at once, while the reader works on the
 * current one, and each is handed over, in order, as a stream that starts with what was
 * read ahead.
 *
 * Memory stays bounded whatever the count or size of the objects: reading ahead stops once
 * `bytes` are held (plus at most one chunk per object in flight). An object that is not read
 * to its end by then (a large page) keeps its stream open, paused, and streams the rest
 * when its turn comes; no object past it is started until then, so at most the few objects
 * already in flight wait with an open stream, and only behind the objects read whole before them.
 */
import { Readable } from 'node:stream';
import type { ObjectStore } from './object-store';
import { ForwardingStore } from './forwarding-store';

export interface ReadAheadLimits {
  /** Objects opened ahead of the reader at most. */
  objects: number;
  /** Bytes held ahead of the reader before reading ahead stops (each object in flight may add one chunk). */
  bytes: number;
}

/** Measured on the fanout bench (README "Benchmarks: pagination and fan-out"). */
export const DEFAULT_READ_AHEAD: ReadAheadLimits = { objects: 16, bytes: 8 * 1024 * 1024 };

interface Pending {
  key: string;
  chunks: Buffer[];
  bytes: number;
  /** The whole object was read. */
  ended: boolean;
  /** Opening or reading failed: given to the reader when its turn comes, as a direct read would. */
  error?: unknown;
  stream?: Readable;
  iterator?: AsyncIterator<unknown>;
  /** Reading ahead stopped for this object: done, failed, or out of budget. */
  settled: Promise<void>;
}

/**
 * An object store whose `getStream` serves `keys` from a read-ahead window when they are asked
 * for in that order; any other read, and every write, goes straight to `store`. Call `close()`
 * when done (also after a failure): it releases the objects read ahead and not taken.
 */
export class ReadAheadStore extends ForwardingStore {
  private readonly window: Pending[] = [];
  private next = 0;
  /** Bytes held by objects in the window. */
  private held = 0;
  /** Objects in the window whose reading ahead stopped short of their end. */
  private partial = 0;
  private closed = false;
  /** Reads that the window did not serve (asked out of order): a test's measure, and a sign of a caller's change. */
  misses = 0;

  constructor(
    store: ObjectStore,
    private readonly keys: readonly string[],
    private readonly limits: ReadAheadLimits = DEFAULT_READ_AHEAD,
  ) {
    super(store);
    this.fill();
  }

  override async getStream(key: string): Promise<Readable> {
    const head = this.window[0];
    if (this.closed || !head || head.key !== key) {
      this.misses++;
      return this.inner.getStream(key);
    }
    this.window.shift();
    await head.settled;
    this.held -= head.bytes;
    if (!head.ended && head.error === undefined) this.partial--;
    this.fill();
    // The object could not even be opened: the reader gets the store's own error, as before.
    if (head.error !== undefined && !head.stream) throw head.error;
    const out = Readable.from(rest(head), { objectMode: false });
    // However the reader ends (to the end, stopping early, failing), the store's stream goes too:
    // a generator never started runs no `finally`, so this is tied to the stream handed over.
    out.once('close', () => head.stream?.destroy());
    return out;
  }

  /** Releases what was read ahead and not taken. Reads after this go straight to the store. */
  close(): void {
    this.closed = true;
    for (const pending of this.window.splice(0)) pending.stream?.destroy();
  }

  private fill(): void {
    while (!this.closed && this.next < this.keys.length && this.window.length < this.limits.objects && this.held < this.limits.bytes && this.partial === 0) {
      this.window.push(this.start(this.keys[this.next++]));
    }
  }

  private start(key: string): Pending {
    const pending: Pending = { key, chunks: [], bytes: 0, ended: false, settled: Promise.resolve() };
    pending.settled = this.readAhead(pending);
    return pending;
  }

  /** Reads `pending` while the budget lasts; never rejects (a failure is kept for the reader). */
  private async readAhead(pending: Pending): Promise<void> {
    try {
      const stream = await this.inner.getStream(pending.key);
      pending.stream = stream;
      if (this.closed) {
        stream.destroy();
        return;
      }
      pending.iterator = stream[Symbol.asyncIterator]();
      while (this.held < this.limits.bytes && !this.closed) {
        const step = await pending.iterator.next();
        if (step.done) {
          pending.ended = true;
          return;
        }
        const chunk = asBuffer(step.value);
        pending.chunks.push(chunk);
        pending.bytes += chunk.length;
        this.held += chunk.length;
      }
      // Out of budget: this object streams the rest in its turn; nothing past it starts meanwhile.
      if (!this.closed) this.partial++;
    } catch (e) {
      pending.error = e;
    }
  }
}

/** What was read ahead of an object, then the rest of it from its stream, then its failure if any. */
async function* rest(pending: Pending): AsyncGenerator<Buffer> {
  const chunks = pending.chunks;
  pending.chunks = [];
  yield* chunks;
  if (pending.error !== undefined) throw pending.error;
  if (pending.ended || !pending.iterator) return;
  for (;;) {
    const step = await pending.iterator.next();
    if (step.done) return;
    yield asBuffer(step.value);
  }
}

/** A stream's chunk as a Buffer, not copied when it is one already. */
function asBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
}
