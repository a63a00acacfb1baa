/**
 * An object store that passes every call to another one: the base of the wrappers that
 * change one or two calls (ReadAheadStore's reads, `dif try`'s WatchedStore's writes) and
 * leave the rest as the store does them.
 */
import type { Readable } from 'node:stream';
import type { ObjectStore } from './object-store';

export class ForwardingStore implements ObjectStore {
  constructor(protected readonly inner: ObjectStore) {}

  get location(): string {
    return this.inner.location;
  }

  put(key: string, body: string | Buffer | Readable, contentType?: string): Promise<{ bytes: number }> {
    return this.inner.put(key, body, contentType);
  }

  getStream(key: string): Promise<Readable> {
    return this.inner.getStream(key);
  }

  getText(key: string): Promise<string> {
    return this.inner.getText(key);
  }

  exists(key: string): Promise<boolean> {
    return this.inner.exists(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
}
