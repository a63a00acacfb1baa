/**
 * The rejects file of a run: one gzip CSV row per rejected input row, with the file, the
 * record or line number, the reason and the record itself (as JSON), so a person can see
 * what was wrong and a fix can be replayed. Opened only when the first reject comes.
 */
import type { ObjectStore } from '../object-store';
import { CsvPartWriter } from './part-writer';

export const REJECT_COLUMNS = ['file', 'number', 'reason', 'record'];

export class RejectsWriter {
  private writer?: CsvPartWriter;
  private pending: (string | null)[][] = [];
  count = 0;

  constructor(
    private readonly store: ObjectStore,
    readonly key: string,
  ) {}

  add(file: string, number: number, reason: string, record: unknown): void {
    this.count++;
    const text = typeof record === 'string' ? record : JSON.stringify(record ?? null);
    // A runaway record is cut: the rejects file is for reading, the raw object keeps the original.
    this.pending.push([file, String(number), reason, text.length > 10_000 ? `${text.slice(0, 10_000)}…` : text]);
  }

  /** Writes what was added since the last flush. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    // One part, however big: Infinity never rotates.
    this.writer ??= new CsvPartWriter(this.store, () => this.key, REJECT_COLUMNS, Number.POSITIVE_INFINITY);
    const rows = this.pending;
    this.pending = [];
    await this.writer.write(rows);
  }

  /** The key written, or undefined when nothing was rejected. */
  async close(): Promise<string | undefined> {
    await this.flush();
    if (!this.writer) return undefined;
    await this.writer.close();
    return this.key;
  }
}
