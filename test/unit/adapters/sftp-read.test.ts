/** PipelinedRead against a fake SFTP session whose answers come back late, out of order and short. */
import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { PipelinedRead } from '../../../adapters/file-sources/sftp-read';

function fakeSftp(content: Buffer, opts: { shortReads?: boolean; shrinkAt?: number } = {}) {
  let inflight = 0;
  let peak = 0;
  let closed = false;
  const sftp = {
    open: (_path: string, _mode: string, cb: (e: Error | undefined, h: Buffer) => void) => setImmediate(() => cb(undefined, Buffer.from('h'))),
    fstat: (_h: Buffer, cb: (e: Error | undefined, s: { size: number }) => void) => setImmediate(() => cb(undefined, { size: content.length })),
    read: (_h: Buffer, buffer: Buffer, offset: number, length: number, position: number, cb: (e: Error | undefined, n: number) => void) => {
      inflight++;
      peak = Math.max(peak, inflight);
      // Answers arrive in random order; some are short, as a server may make them.
      setTimeout(() => {
        inflight--;
        const available = opts.shrinkAt !== undefined ? Math.max(0, opts.shrinkAt - position) : content.length - position;
        const n = Math.min(length, available, opts.shortReads && Math.random() < 0.3 ? 1 + Math.floor(Math.random() * length) : length);
        content.copy(buffer, offset, position, position + n);
        cb(undefined, n);
      }, Math.random() * 3);
    },
    close: (_h: Buffer, cb: () => void) => {
      closed = true;
      setImmediate(cb);
    },
  };
  return { sftp: sftp as unknown as SFTPWrapper, peak: () => peak, closed: () => closed };
}

async function readAll(stream: PipelinedRead): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('bytes come out in order whatever order and length the answers have', async () => {
  const content = randomBytes(1_000_003);
  const fake = fakeSftp(content, { shortReads: true });
  const out = await readAll(new PipelinedRead(fake.sftp, '/f', { chunk: 4096, depth: 8 }));
  expect(out.equals(content)).toBe(true);
  expect(fake.peak()).toBeGreaterThan(1);
  expect(fake.peak()).toBeLessThanOrEqual(9); // depth, plus one follow-up of a short read
  expect(fake.closed()).toBe(true);
});

test('an empty file is an empty stream', async () => {
  expect((await readAll(new PipelinedRead(fakeSftp(Buffer.alloc(0)).sftp, '/empty'))).length).toBe(0);
});

test('a file that shrinks while being read fails, naming it', async () => {
  const fake = fakeSftp(randomBytes(100_000), { shrinkAt: 50_000 });
  await expect(readAll(new PipelinedRead(fake.sftp, '/out/f.csv', { chunk: 4096 }))).rejects.toThrow('/out/f.csv ended at byte');
});
