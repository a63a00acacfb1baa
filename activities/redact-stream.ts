import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { redact } from './failures';

/**
 * Scrubs secret values from a text stream on its way to the object store (vendors echo
 * tokens back, e.g. Meta's `paging.next` URLs carry the access_token). Holds back the last
 * (longest secret − 1) characters of each chunk so a secret split across chunks is caught.
 */
export class RedactStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly keep: number;

  constructor(private readonly secrets: string[]) {
    super();
    const lengths = secrets.flatMap((s) => [s.length, encodeURIComponent(s).length]);
    this.keep = Math.max(0, ...lengths) - 1;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = redact(this.pending + this.decoder.write(chunk), this.secrets);
    const cut = Math.max(0, text.length - this.keep);
    this.pending = text.slice(cut);
    if (cut > 0) this.push(text.slice(0, cut));
    done();
  }

  override _flush(done: TransformCallback): void {
    const rest = redact(this.pending + this.decoder.end(), this.secrets);
    if (rest) this.push(rest);
    done();
  }
}

/** Bodies that may echo a secret and can be scrubbed as text; compressed or binary ones cannot. */
export function isScrubbableText(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding && contentEncoding !== 'identity') return false;
  return !contentType || /json|text|csv|xml|ndjson/i.test(contentType);
}
