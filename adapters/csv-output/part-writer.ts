/**
 * Writes rows as gzip RFC 4180 CSV parts with a header each, starting a new part once the
 * current one holds `partBytes` of CSV text, each streamed to the object store as it is
 * written (one multipart upload per part on S3). Backpressure goes all the way to the
 * caller: `write` resolves when the part can take more, so memory stays flat.
 */
import { pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { stringify, type Stringifier } from 'csv-stringify';
import type { ObjectStore } from '../object-store';

interface OpenPart {
  key: string;
  csv: Stringifier;
  rows: number;
  bytes: number;
  uploaded: Promise<{ bytes: number }>;
}

export class CsvPartWriter {
  private part?: OpenPart;
  private readonly done: { key: string; rows: number; bytes: number }[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly keyOf: (n: number) => string,
    private readonly header: string[],
    private readonly partBytes: number,
  ) {}

  private open(): OpenPart {
    const key = this.keyOf(this.done.length + 1);
    const csv = stringify({ header: true, columns: this.header });
    const part: OpenPart = { key, csv, rows: 0, bytes: 0, uploaded: Promise.resolve({ bytes: 0 }) };
    csv.on('data', (chunk: Buffer) => (part.bytes += chunk.length));
    const gz = pipeline(csv, createGzip({ level: 6 }), () => undefined);
    part.uploaded = this.store.put(key, gz, 'application/gzip');
    // Keep an upload failure from being unhandled before close() awaits it.
    part.uploaded.catch(() => undefined);
    return part;
  }

  /** Writes a batch of rows; resolves once the stream has room again. */
  async write(rows: (string | null)[][]): Promise<void> {
    for (const row of rows) {
      if (!this.part) this.part = this.open();
      const part = this.part;
      part.rows++;
      if (!part.csv.write(row)) await new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        part.csv.once('drain', () => {
          part.csv.off('error', onError);
          resolve();
        });
        part.csv.once('error', onError);
        // An upload that died never drains: surface its error instead of waiting forever.
        part.uploaded.catch(reject);
      });
      if (part.bytes >= this.partBytes) await this.finishPart();
    }
  }

  private async finishPart(): Promise<void> {
    const part = this.part;
    if (!part) return;
    this.part = undefined;
    part.csv.end();
    const { bytes } = await part.uploaded;
    this.done.push({ key: part.key, rows: part.rows, bytes });
  }

  /** Ends the last part (writing a header-only part when there were no rows) and lists the parts. */
  async close(): Promise<{ key: string; rows: number; bytes: number }[]> {
    if (!this.part && this.done.length === 0) this.part = this.open();
    await this.finishPart();
    return this.done;
  }

  /** Stops the open upload after a failure elsewhere. */
  abort(error: Error): void {
    this.part?.csv.destroy(error);
    this.part = undefined;
  }
}
