import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Scrubber } from './secret-scrub';

/**
 * Scrubs secret values from a text stream on its way to the object store (vendors echo
 * tokens back, e.g. Meta's `paging.next` URLs carry the access_token), in every spelling
 * the failure scrubber knows (secret-forms.ts: raw, URL, form, JSON, base64, Basic pairs).
 * Holds back as many characters as the longest spelling, plus one so a short secret's
 * "whole token" test sees the character after it, so a secret split across chunks is caught.
 */
export class RedactStream extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly keep: number;
  private readonly scrubber: Scrubber;

  constructor(secrets: Scrubber | (string | undefined)[]) {
    super();
    this.scrubber = secrets instanceof Scrubber ? secrets : new Scrubber(secrets);
    this.keep = this.scrubber.longestForm;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.scrubber.scrub(this.pending + this.decoder.write(chunk));
    const cut = Math.max(0, text.length - this.keep);
    this.pending = text.slice(cut);
    if (cut > 0) this.push(text.slice(0, cut));
    done();
  }

  override _flush(done: TransformCallback): void {
    const rest = this.scrubber.scrub(this.pending + this.decoder.end());
    if (rest) this.push(rest);
    done();
  }
}

/** Bodies that may echo a secret and can be scrubbed as text; compressed or binary ones cannot. */
export function isScrubbableText(contentType: string | undefined, contentEncoding: string | undefined): boolean {
  if (contentEncoding && contentEncoding !== 'identity') return false;
  return !contentType || /json|text|csv|xml|ndjson/i.test(contentType);
}
