import type { Settings } from '../settings';
import { AwsKms } from './aws-kms';
import { LocalKeyring } from './local-keyring';
import type { KeyManager } from './key-manager';

export * from './key-manager';
export { AwsKms } from './aws-kms';
export { LocalKeyring } from './local-keyring';

export function createKeyManager(config: Settings['kms']): KeyManager {
  return config.kind === 'local' ? new LocalKeyring(config.keyringFile) : new AwsKms(config);
}
