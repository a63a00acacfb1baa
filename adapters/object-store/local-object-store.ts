import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { checkKey, ObjectNotFoundError, type ObjectStore } from './object-store';

const openForWriting = promisify((file: string, callback: (e: NodeJS.ErrnoException | null, fd: number) => void) => fs.open(file, 'w', callback));
const openForReading = promisify((file: string, callback: (e: NodeJS.ErrnoException | null, fd: number) => void) => fs.open(file, 'r', callback));

/** Folders remembered at most; past it the memory starts again (a fan-out makes a folder per item). */
const KNOWN_FOLDERS = 10_000;

/** A folder standing in for S3 in development: same keys, atomic writes by rename. */
export class LocalObjectStore implements ObjectStore {
  readonly location: string;
  /** Folders made (or found) by this store: a later write into one skips the `mkdir`. */
  private readonly folders = new Set<string>();

  constructor(private readonly root: string) {
    this.location = `file://${path.resolve(root)}`;
  }

  private file(key: string): string {
    return path.join(this.root, checkKey(key));
  }

  async put(key: string, body: string | Buffer | Readable): Promise<{ bytes: number }> {
    const target = this.file(key);
    const temp = `${target}.${randomUUID()}.partial`;
    try {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        // A page or a decision, written once per page: one write call, no stream.
        await this.inFolder(target, () => fs.promises.writeFile(temp, body));
        await fs.promises.rename(temp, target);
        return { bytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length };
      }
      // Opened before the body is read, so a missing folder is made without losing any of it. A
      // descriptor, not a FileHandle: a stream over a FileHandle makes an error object (stack
      // and all) as it closes, a measurable cost on a fan-out's per-item path.
      const fd = await this.inFolder(target, () => openForWriting(temp));
      const file = fs.createWriteStream(temp, { fd });
      await pipeline(body, file);
      await fs.promises.rename(temp, target);
      return { bytes: file.bytesWritten };
    } catch (e) {
      if (typeof body !== 'string' && !Buffer.isBuffer(body)) body.destroy(); // as pipeline does, when the file could not even be opened
      await fs.promises.rm(temp, { force: true });
      throw e;
    }
  }

  /**
   * Runs `create` (which makes a file beside `target`), making the folder first when this
   * store has not seen it yet, or again when it has gone: a pagination writes thousands of
   * small objects into one folder, and a `mkdir -p` before each is wasted work on the
   * per-page path.
   */
  private async inFolder<T>(target: string, create: () => Promise<T>): Promise<T> {
    const folder = path.dirname(target);
    if (!this.folders.has(folder)) await this.makeFolder(folder);
    try {
      return await create();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await this.makeFolder(folder);
      return create();
    }
  }

  private async makeFolder(folder: string): Promise<void> {
    await fs.promises.mkdir(folder, { recursive: true });
    if (this.folders.size >= KNOWN_FOLDERS) this.folders.clear();
    this.folders.add(folder);
  }

  async getStream(key: string): Promise<Readable> {
    const file = this.file(key);
    try {
      // A descriptor, not a FileHandle, as in put: toCsv reads a fan-out's answers back by the
      // thousand, and the FileHandle's promise machinery per open, read and close measured slower.
      return fs.createReadStream(file, { fd: await openForReading(file) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(this.location, key);
      throw e;
    }
  }

  async getText(key: string): Promise<string> {
    try {
      return await fs.promises.readFile(this.file(key), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(this.location, key);
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    return fs.promises.access(this.file(key)).then(
      () => true,
      () => false,
    );
  }

  async list(prefix: string): Promise<string[]> {
    const base = path.join(this.root, prefix);
    const dir = prefix.endsWith('/') ? base : path.dirname(base);
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      const entries = await fs.promises.readdir(d, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = path.join(d, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!entry.name.endsWith('.partial')) {
          const key = path.relative(this.root, full).split(path.sep).join('/');
          if (key.startsWith(prefix)) out.push(key);
        }
      }
    };
    await walk(dir);
    return out.sort();
  }
}
