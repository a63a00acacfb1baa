/**
 * Writes rows as gzip RFC 4180 CSV parts with a header each, starting a new part once the
 * current one holds `partBytes` of CSV text, each streamed to the object store as it is
 * written (one multipart upload per part on S3). Backpressure goes all the way to the
 * caller: `write` resolves when the part can take more, so memory stays flat.
 *
 * Rows are formatted a batch at a time (runtime/csv/csv-text.ts, csv-stringify's bytes without
 * its per-field option checks) and handed to gzip as one chunk: row-by-row chunks made zlib's
 * per-chunk thread-pool round trip the bottleneck.
 */
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { csvText } from '../../runtime/csv/csv-text';
import type { ObjectStore } from '../object-store';

/**
 * zlib level 1: on the preprocess bench's CSV (`npm run bench -- csv-writer`, 2026-12-03,
 * 2 loaded cores) level 1 compressed 69 MB/s into 16.1 MB, level 3 53 MB/s into 16.0 MB,
 * level 6 (the default) 25 MB/s into 14.5 MB, level 9 11 MB/s into 14.3 MB: 2.8 times the
 * speed for 11% more bytes stored, and gzip at level 6 was the preprocessor's slowest stage.
 */
export const CSV_GZIP_LEVEL = 1;

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

export class CsvPartWriter {
  private part?: OpenPart;
  private readonly done: WrittenPart[] = [];
  /** The longest value of each column in UTF-8 bytes: Redshift sizes its varchar columns from them. */
  private readonly longest: number[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly keyOf: (n: number) => string,
    private readonly header: string[],
    private readonly partBytes: number,
  ) {}

  private open(): OpenPart {
    const key = this.keyOf(this.done.length + 1);
    const gzip = createGzip({ level: CSV_GZIP_LEVEL });
    const part: OpenPart = { key, gzip, rows: 0, bytes: 0, uploaded: this.store.put(key, gzip, 'application/gzip') };
    // Keep an upload failure from being unhandled before close() awaits it.
    part.uploaded.catch(() => undefined);
    const head = csvText([this.header]);
    part.bytes += Buffer.byteLength(head);
    gzip.write(head);
    return part;
  }

  /**
   * Writes a batch of rows; resolves once the part can take more. A part closes after the
   * batch that takes it past `partBytes`, so parts overshoot by at most one batch.
   */
  async write(rows: (string | null)[][]): Promise<void> {
    if (rows.length === 0) return;
    const part = (this.part ??= this.open());
    for (const row of rows) {
      for (let i = 0; i < row.length; i++) {
        const cell = row[i];
        // A UTF-16 unit is at most 3 UTF-8 bytes: only a value that might be longer is measured.
        if (cell !== null && cell.length * 3 > (this.longest[i] ?? 0)) this.longest[i] = Math.max(this.longest[i] ?? 0, Buffer.byteLength(cell));
      }
    }
    const text = csvText(rows);
    part.rows += rows.length;
    part.bytes += Buffer.byteLength(text);
    if (!part.gzip.write(text)) {
      // An upload that died never drains: surface its error instead of waiting forever.
      await Promise.race([once(part.gzip, 'drain'), part.uploaded.then(() => undefined)]);
    }
    if (part.bytes >= this.partBytes) await this.finishPart();
  }

  private async finishPart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    this.part = undefined;
    part.gzip.end();
    const { bytes } = await part.uploaded;
    this.done.push({ key: part.key, rows: part.rows, bytes });
  }

  /** Ends the last part (writing a header-only part when there were no rows) and lists the parts. */
  async close(): Promise<WrittenPart[]> {
    if (!this.part && this.done.length === 0) this.part = this.open();
    await this.finishPart();
    return this.done;
  }

  /** The longest value written to each column, in UTF-8 bytes, by column name (columns never written are absent). */
  widths(): Record<string, number> {
    return Object.fromEntries(this.header.flatMap((name, i) => (this.longest[i] === undefined ? [] : [[name, this.longest[i]]])));
  }

  /** Stops the open upload after a failure elsewhere. */
  abort(error: Error): void {
    this.part?.gzip.destroy(error);
    this.part = undefined;
  }
}
