import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Scrubber } from './secret-scrub';

/**
 * Scrubs secret values from a text stream on its way to the object store (vendors echo
 * tokens back, e.g. Meta's `paging.next` URLs carry the access_token), in every spelling
 * the failure scrubber knows (secret-forms.ts: raw, URL, form, JSON, base64, Basic pairs).
 * The last (longest spelling + 1) characters of each chunk are held back unscrubbed, so a
 * secret split across chunks is caught, and a short spelling that is the start of a longer
 * one (unpadded base64 before its `==`) is never taken for it.
 */
export class RedactStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  /** Not yet scrubbed. */
  private pending = '';
  /** The last character already pushed: context for a short secret's whole-token test. */
  private before = '';
  private readonly keep: number;
  private readonly scrubber: Scrubber;

  constructor(secrets: Scrubber | (string | undefined)[]) {
    super();
    this.scrubber = secrets instanceof Scrubber ? secrets : new Scrubber(secrets);
    this.keep = this.scrubber.longestForm + 1;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.scrubAndPush(this.decoder.write(chunk), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.scrubAndPush(this.decoder.end(), true);
    done();
  }

  private scrubAndPush(decoded: string, last: boolean): void {
    const text = this.before + this.pending + decoded;
    const from = this.before.length;
    const cut = last ? text.length : Math.max(from, text.length - this.keep);
    const { done, rest } = this.scrubber.scrubUpTo(text, from, cut);
    if (rest > from) this.before = text[rest - 1];
    this.pending = text.slice(rest);
    if (done) this.push(done);
  }
}

/** Bodies that may echo a secret and can be scrubbed as text; compressed or binary ones cannot. */
export function isScrubbableText(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding && contentEncoding !== 'identity') return false;
  return !contentType || /json|text|csv|xml|ndjson/i.test(contentType);
}
