/**
 * A remote file read over SFTP with several read requests in flight, pushed strictly in
 * order. ssh2's own read stream asks for one chunk at a time, so every chunk costs a
 * round trip; OpenSSH's `sftp` keeps many requests outstanding, and so does this. Memory
 * stays bounded: new requests are made only while the consumer wants data, so at most
 * `depth` chunks are in flight or waiting for their turn.
 */
import { Readable } from 'node:stream';
import type { SFTPWrapper } from 'ssh2';

export interface PipelinedReadOptions {
  /** Bytes per read request (default 128 KiB, under the 256 KiB OpenSSH serves; a shorter answer is completed by another request). */
  chunk?: number;
  /** Requests in flight at once (default 16). */
  depth?: number;
}

export class PipelinedRead extends Readable {
  private handle?: Buffer;
  private size = 0;
  /** Next offset to ask for, and next offset to push. */
  private asked = 0;
  private pushed = 0;
  private inflight = 0;
  private wanting = false;
  private ended = false;
  /** Chunks that came back before their turn, by offset. */
  private readonly arrived = new Map<number, Buffer>();
  private readonly chunk: number;
  private readonly depth: number;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly path: string,
    options: PipelinedReadOptions = {},
  ) {
    const chunk = options.chunk ?? 128 * 1024;
    const depth = options.depth ?? 16;
    super({ highWaterMark: chunk * depth });
    this.chunk = chunk;
    this.depth = depth;
  }

  override _construct(done: (error?: Error | null) => void): void {
    this.sftp.open(this.path, 'r', (openError, handle) => {
      if (openError) return done(openError);
      this.handle = handle;
      this.sftp.fstat(handle, (statError, stats) => {
        if (statError) return done(statError);
        this.size = stats.size;
        done();
      });
    });
  }

  override _read(): void {
    this.wanting = true;
    this.pump();
  }

  private pump(): void {
    if (this.destroyed || this.ended) return;
    // Push what is next in order; stop asking when the consumer has enough.
    for (let next = this.arrived.get(this.pushed); next; next = this.arrived.get(this.pushed)) {
      this.arrived.delete(this.pushed);
      this.pushed += next.length;
      if (!this.push(next)) this.wanting = false;
    }
    if (this.pushed >= this.size && this.inflight === 0) {
      this.ended = true;
      this.push(null);
      return;
    }
    while (this.wanting && this.inflight < this.depth && this.asked < this.size) {
      const length = Math.min(this.chunk, this.size - this.asked);
      this.request(this.asked, length);
      this.asked += length;
    }
  }

  private request(position: number, length: number): void {
    this.inflight++;
    const buffer = Buffer.allocUnsafe(length);
    this.sftp.read(this.handle!, buffer, 0, length, position, (error, bytesRead) => {
      this.inflight--;
      if (this.destroyed) return;
      if (error) return void this.destroy(error);
      if (bytesRead === 0) return void this.destroy(new Error(`${this.path} ended at byte ${position} of ${this.size}: it shrank while being read`));
      this.arrived.set(position, bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      // A short read (a server may answer with less): ask for the rest of the chunk at once.
      if (bytesRead < length) this.request(position + bytesRead, length - bytesRead);
      this.pump();
    });
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = undefined;
    if (!handle) return done(error);
    this.sftp.close(handle, () => done(error));
  }
}
