/**
 * Undoes the compression of a raw object as a stream: none, gzip, zip, or `auto` (by the
 * magic bytes). Yields one stream per file inside: a plain or gzip object is one file, a
 * zip archive as many as it holds.
 *
 * Zip is spooled to a temporary file and read with yauzl: a zip's index (the central
 * directory) is at its end and entries written with data descriptors do not state their
 * size up front, so the streaming unzippers that read local headers in order (unzipper)
 * guess, and some archives defeat them. A file on disk keeps memory flat either way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import yauzl from 'yauzl';

export type Compression = 'none' | 'gzip' | 'zip' | 'auto';

export interface InnerFile {
  /** The entry name inside a zip; '' for a plain or gzip object. */
  name: string;
  stream: Readable;
}

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Reads the first chunk and gives back a stream that still starts with it. */
async function peek(source: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  async function* rest() {
    if (!first.done) yield head;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value as Buffer;
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}

const startsWith = (head: Buffer, magic: number[]) => magic.every((b, i) => head[i] === b);

/**
 * `zipIsFormat`: the format itself is a zip (XLSX), so `auto` must not open it; an XLSX
 * inside a gzip or a zip archive is still unwrapped when that is what the config says.
 */
export async function* decompress(source: Readable, compression: Compression = 'none', zipIsFormat = false): AsyncGenerator<InnerFile> {
  let kind = compression;
  let stream = source;
  if (kind === 'auto') {
    const peeked = await peek(source);
    stream = peeked.stream;
    kind = startsWith(peeked.head, GZIP) ? 'gzip' : startsWith(peeked.head, ZIP) && !zipIsFormat ? 'zip' : 'none';
  }
  if (kind === 'none') {
    yield { name: '', stream };
  } else if (kind === 'gzip') {
    // pipeline() forwards a source error to the gunzip stream, so the reader sees it.
    yield { name: '', stream: pipeline(stream, createGunzip(), () => undefined) };
  } else {
    yield* unzip(stream);
  }
}

async function* unzip(source: Readable): AsyncGenerator<InnerFile> {
  const file = path.join(os.tmpdir(), `dif-unzip-${randomUUID()}.zip`);
  try {
    await pipelineAsync(source, fs.createWriteStream(file));
    // An empty object holds no files: what an async job that found nothing leaves (download.emptyWithoutUrl).
    if (fs.statSync(file).size === 0) return;
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false }, (e, z) => (e ? reject(e) : resolve(z))),
    );
    try {
      for (;;) {
        const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
          zip.once('entry', resolve);
          zip.once('end', () => resolve(undefined));
          zip.once('error', reject);
          zip.readEntry();
        });
        zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
        if (!entry) return;
        if (entry.fileName.endsWith('/') || entry.fileName.startsWith('__MACOSX/')) continue;
        const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));
        yield { name: entry.fileName, stream };
      }
    } finally {
      zip.close();
    }
  } finally {
    await fs.promises.rm(file, { force: true });
  }
}
