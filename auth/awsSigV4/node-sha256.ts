/**
 * SHA-256 (and HMAC-SHA256 when given a key) from node:crypto, in the shape
 * @smithy/signature-v4 asks for: the AWS SDK's own (@aws-crypto/sha256-js, a pure-JS
 * hash) is not a dependency of DIF, and Node's is native.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (data: SourceData): Buffer =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly key?: SourceData) {
    this.hash = this.fresh();
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.key === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.key));
  }
}
