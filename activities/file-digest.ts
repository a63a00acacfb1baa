import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { HEAD_BYTES } from '../core/file-content';

/**
 * Passes a file through unchanged while counting its bytes and hashing it (SHA-256 for the
 * manifest), and lets `judge` refuse it on its first bytes, so a file that is not what the
 * step expects fails before it is stored.
 */
export class FileDigest extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor(private readonly judge: (head: Buffer) => Error | undefined) {
    super();
  }

  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (this.head) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < HEAD_BYTES) return done();
      const problem = this.judge(this.head);
      if (problem) return done(problem);
      chunk = this.head;
      this.head = undefined;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.head) {
      const problem = this.judge(this.head);
      if (problem) return done(problem);
      this.push(this.head);
    }
    done();
  }
}
