import type { Settings } from '../settings';
import { LocalObjectStore } from './local-object-store';
import { S3ObjectStore } from './s3-object-store';
import type { ObjectStore } from './object-store';

export * from './object-store';
export { LocalObjectStore } from './local-object-store';
export { S3ObjectStore } from './s3-object-store';

export function createObjectStore(config: Settings['objectStore']): ObjectStore {
  return config.kind === 'local' ? new LocalObjectStore(config.dir) : new S3ObjectStore(config);
}
