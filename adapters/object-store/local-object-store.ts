import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { checkKey, ObjectNotFoundError, type ObjectStore } from './object-store';

/** A folder standing in for S3 in development: same keys, atomic writes by rename. */
export class LocalObjectStore implements ObjectStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = `file://${path.resolve(root)}`;
  }

  private file(key: string): string {
    return path.join(this.root, checkKey(key));
  }

  async put(key: string, body: string | Buffer | Readable): Promise<{ bytes: number }> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.partial`;
    try {
      const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([body]) : body;
      await pipeline(source, fs.createWriteStream(temp));
      await fs.promises.rename(temp, target);
    } catch (e) {
      await fs.promises.rm(temp, { force: true });
      throw e;
    }
    return { bytes: (await fs.promises.stat(target)).size };
  }

  async getStream(key: string): Promise<Readable> {
    const file = this.file(key);
    try {
      const handle = await fs.promises.open(file, 'r');
      return handle.createReadStream();
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
