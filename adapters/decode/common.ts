import { Readable } from 'node:stream';
/** What every decoder shares: the batch size, its error, and the hooks the preprocessor gives it. */

/** Records per batch: large enough to amortise per-batch costs, small enough to stay flat in memory. */
export const BATCH = 1000;

export class DecodeError extends Error {
  override name = 'DecodeError';
}

export interface DecodeHooks {
  /** Called once per file with its header (CSV/TSV) or the fields of its first record (JSON). */
  onFields?(fields: string[]): void;
  onReject(number: number, reason: string, raw: unknown): void;
}


/** UTF-8's byte order mark, which some vendors put before a JSON, NDJSON, CSV or XML body. */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The stream without a leading UTF-8 BOM (JSON.parse and the JSON tokenizer refuse one;
 * it is not part of the data). Streams on: only the first bytes are looked at.
 */
export function withoutBom(stream: Readable): Readable {
  async function* strip() {
    let head = Buffer.alloc(0);
    let decided = false;
    for await (const chunk of stream) {
      // Not copied: a stream never writes into a chunk it has handed out.
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      if (decided) {
        yield bytes;
        continue;
      }
      head = Buffer.concat([head, bytes]);
      if (head.length < UTF8_BOM.length && UTF8_BOM.subarray(0, head.length).equals(head)) continue;
      decided = true;
      yield head.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? head.subarray(UTF8_BOM.length) : head;
    }
    if (!decided && head.length) yield head; // shorter than a BOM: only its first bytes, so data
  }
  return Readable.from(strip(), { objectMode: false });
}
