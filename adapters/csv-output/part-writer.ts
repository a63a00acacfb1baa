/**
 * Writes rows as gzip RFC 4180 CSV parts with a header each, starting a new part once the
 * current one holds `partBytes` of CSV text, each streamed to the object store as it is
 * written (one multipart upload per part on S3). Backpressure goes all the way to the
 * caller: `write` resolves when the part can take more, so memory stays flat.
 *
 * For a warehouse that loads parts in parallel (Redshift), the part count is a multiple of
 * its `multiple` (the cluster's slices, core/part-sets.ts): once the first part holds
 * `minPartBytes` the output widens to a set of that many parts, open together, each batch
 * going to the part of the set holding the fewest bytes; the set closes when every part of
 * it holds `partBytes`, and the next batch opens the next set. An output smaller than
 * `minPartBytes` stays one part. Dealing batches across parts changes the order of rows
 * between parts, which only Postgres's dedup relies on (the last copy of a key wins by its
 * place in the COPY): Postgres's multiple is 1, so there the parts keep the data's order.
 *
 * Rows are formatted a batch at a time (runtime/csv/csv-text.ts, csv-stringify's bytes without
 * its per-field option checks) and handed to gzip as one chunk: row-by-row chunks made zlib's
 * per-chunk thread-pool round trip the bottleneck.
 */
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { csvText } from '../../runtime/csv/csv-text';
import type { ObjectStore } from '../object-store';
import { leastFilled, MIN_SPLIT_PART_BYTES, partSetWidth } from '../../core/part-sets';

/**
 * zlib level 1: on the preprocess bench's CSV (`node dist/bench/index.js csv-writer`,
 * 2026-12-03, 2 cores at load 7-8) level 1 compressed 127.5 MB/s into 16.1 MB, level 3
 * 117.9 MB/s into 16.0 MB, level 6 (the default) 60.0 MB/s into 14.5 MB, level 9 13.8 MB/s
 * into 14.3 MB: level 6 would store 10% fewer bytes for 2.1 times the compression CPU (an
 * earlier run on a busier machine: 69, 53, 25 and 11 MB/s, the same sizes). Gzip runs on the
 * threadpool beside the main thread, but its CPU is still the worker host's.
 */
export const CSV_GZIP_LEVEL = 1;

/**
 * CSV text the open parts' gzip streams may hold together before `write` waits. zlib
 * compresses on the libuv threadpool: waiting whenever one stream passed its own 16 KiB
 * mark made the main thread wait for every 70 KB batch to be compressed before mapping the
 * next (1,000 waits, 1.3-2.1 s of 1,000,000 bench records). A budget of a few batches lets
 * mapping and compressing overlap, and being one budget for all open parts (up to 64 for
 * Redshift) keeps memory bounded however wide the set.
 */
const GZIP_QUEUE_BYTES = 1024 * 1024;
/** zlib's output buffer: one threadpool round trip per 64 KiB compressed, not per 16 KiB. */
const GZIP_CHUNK_BYTES = 64 * 1024;

interface OpenPart {
  key: string;
  gzip: Gzip;
  rows: number;
  bytes: number;
  uploaded: Promise<{ bytes: number }>;
}

export interface WrittenPart {
  key: string;
  rows: number;
  /** Compressed bytes stored. */
  bytes: number;
}

export interface PartLayout {
  /** The part count should be a multiple of this (Warehouse.partMultiple); 1 or absent: parts close one at a time. */
  multiple?: number;
  /** Uncompressed bytes the first part holds before the output widens to a set (default MIN_SPLIT_PART_BYTES, at most `partBytes`). */
  minPartBytes?: number;
}

export class CsvPartWriter {
  /** The parts open now, in key order: one, or a whole set of `width`. */
  private open: OpenPart[] = [];
  private opened = 0;
  private readonly done: WrittenPart[] = [];
  /** The longest value of each column in UTF-8 bytes: Redshift sizes its varchar columns from them. */
  private readonly longest: number[] = [];
  private readonly width: number;
  private readonly splitAt: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly keyOf: (n: number) => string,
    private readonly header: string[],
    private readonly partBytes: number,
    layout: PartLayout = {},
  ) {
    this.width = partSetWidth(layout.multiple ?? 1);
    this.splitAt = Math.min(layout.minPartBytes ?? MIN_SPLIT_PART_BYTES, partBytes);
  }

  private openPart(): OpenPart {
    const key = this.keyOf(++this.opened);
    const gzip = createGzip({ level: CSV_GZIP_LEVEL, chunkSize: GZIP_CHUNK_BYTES });
    const part: OpenPart = { key, gzip, rows: 0, bytes: 0, uploaded: this.store.put(key, gzip, 'application/gzip') };
    // Keep an upload failure from being unhandled before close() awaits it.
    part.uploaded.catch(() => undefined);
    const head = csvText([this.header]);
    part.bytes += Buffer.byteLength(head);
    gzip.write(head);
    return part;
  }

  /** The part the next batch goes to, opening parts when none is open. */
  private target(): OpenPart {
    if (this.open.length === 0) {
      // The output's first part starts alone (a small output stays one part); a later set opens whole.
      const count = this.opened === 0 ? 1 : this.width;
      for (let i = 0; i < count; i++) this.open.push(this.openPart());
    }
    return this.open[leastFilled(this.open.map((p) => p.bytes))];
  }

  /**
   * Writes a batch of rows; resolves once the part can take more. Parts close after the
   * batch that takes them past `partBytes` (a set: all of its parts), so parts overshoot by
   * at most one batch.
   */
  async write(rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    const part = this.target();
    const csv = csvText(rows);
    const text = Buffer.from(csv);
    this.measure(rows, text.length === csv.length);
    part.rows += rows.length;
    part.bytes += text.length;
    part.gzip.write(text);
    await this.queueBelowBudget();
    if (this.open.length < this.width) {
      // The first part, alone: big enough to split, the rest of its set opens beside it.
      if (part.bytes >= this.splitAt) while (this.open.length < this.width) this.open.push(this.openPart());
      else return;
    }
    if (Math.min(...this.open.map((p) => p.bytes)) >= this.partBytes) await this.finishOpen();
  }

  /**
   * Waits while the open parts' gzip streams hold more than GZIP_QUEUE_BYTES, for the fullest
   * to drain. It holds more than a 64th of the budget, so more than its stream's 16 KiB mark:
   * the write that filled it said so, and 'drain' follows once it is empty.
   */
  private async queueBelowBudget(): Promise<void> {
    for (;;) {
      let queued = 0;
      let fullest = this.open[0];
      for (const p of this.open) {
        queued += p.gzip.writableLength;
        if (p.gzip.writableLength > fullest.gzip.writableLength) fullest = p;
      }
      if (queued <= GZIP_QUEUE_BYTES) return;
      // An upload that died never drains: surface its error instead of waiting forever.
      await Promise.race([once(fullest.gzip, 'drain'), fullest.uploaded.then(() => undefined)]);
    }
  }

  /**
   * Keeps each column's longest value in UTF-8 bytes. When the batch's CSV is as many bytes as
   * UTF-16 units, every cell is ASCII and a cell's length is its byte count: no cell is encoded
   * on its own (Buffer.byteLength per cell cost a tenth of the preprocessor's main thread).
   */
  private measure(rows: (string | null)[][], ascii: boolean): void {
    const longest = this.longest;
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        const cell = row[i];
        if (cell === null) continue;
        const known = longest[i] ?? 0;
        if (ascii) {
          if (cell.length > known) longest[i] = cell.length;
        } else if (cell.length * 3 > known) {
          // A UTF-16 unit is at most 3 UTF-8 bytes: only a value that might be longer is measured.
          const bytes = Buffer.byteLength(cell);
          if (bytes > known) longest[i] = bytes;
        }
      }
    }
  }

  private async finishOpen(): Promise<void> {
    const parts = this.open;
    this.open = [];
    for (const part of parts) part.gzip.end();
    for (const part of parts) {
      const { bytes } = await part.uploaded;
      this.done.push({ key: part.key, rows: part.rows, bytes });
    }
  }

  /** Ends the open parts (writing a header-only part when there were no rows) and lists the parts. */
  async close(): Promise<WrittenPart[]> {
    if (this.open.length === 0 && this.done.length === 0) this.open.push(this.openPart());
    await this.finishOpen();
    return this.done;
  }

  /** The longest value written to each column, in UTF-8 bytes, by column name (columns never written are absent). */
  widths(): Record<string, number> {
    return Object.fromEntries(this.header.flatMap((name, i) => (this.longest[i] === undefined ? [] : [[name, this.longest[i]]])));
  }

  /** Stops the open uploads after a failure elsewhere. */
  abort(error: Error): void {
    for (const part of this.open) part.gzip.destroy(error);
    this.open = [];
  }
}
