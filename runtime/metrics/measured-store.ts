/** An object store whose writes count into dif_object_store_bytes_total; everything else passes through. */
import type { Readable } from 'node:stream';
import type { ObjectStore } from '../../adapters/object-store';
import { stored } from './hooks';

export function measuredStore(store: ObjectStore): ObjectStore {
  return {
    get location() {
      return store.location;
    },
    async put(key: string, body: string | Buffer | Readable, contentType?: string) {
      const result = await store.put(key, body, contentType);
      stored(key, result.bytes);
      return result;
    },
    getStream: (key) => store.getStream(key),
    getText: (key) => store.getText(key),
    exists: (key) => store.exists(key),
    list: (prefix) => store.list(prefix),
  };
}
