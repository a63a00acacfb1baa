import type { Readable } from 'node:stream';

/**
 * Where raw responses, pinned configs and CSV files live. Keys are deterministic per
 * run/step/page, so a retried write replaces the same object instead of adding one.
 */
export interface ObjectStore {
  /** Writes the whole object or nothing: readers never see a partial object. */
  put(key: string, body: string | Buffer | Readable, contentType?: string): Promise<{ bytes: number }>;
  getStream(key: string): Promise<Readable>;
  getText(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<string[]>;
  /** Names the store in error messages, e.g. `s3://dif` or `file:///var/dif/objects`. */
  readonly location: string;
}

export class ObjectNotFoundError extends Error {
  constructor(location: string, key: string) {
    super(`object ${key} not found in ${location}`);
    this.name = 'ObjectNotFoundError';
  }
}

export function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.split('/').some((seg) => seg === '..' || seg === '')) {
    throw new Error(`invalid object key ${JSON.stringify(key)}`);
  }
  return key;
}
