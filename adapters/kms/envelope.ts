import type { EncryptionContext, KeyManager } from './key-manager';
import { contextBytes } from './local-keyring';
import { GcmAuthError, gcmOpen, gcmSeal } from './gcm';

/** One encrypted secret as stored: AES-256-GCM under its own data key, wrapped by KMS. */
export interface SealedSecret {
  /** iv (12 bytes) | auth tag (16 bytes) | ciphertext: see adapters/kms/gcm.ts */
  ciphertext: Buffer;
  encryptedDataKey: Buffer;
  keyId: string;
}

/** Encrypts with a fresh data key; `context` (customer, vendor, name) is the GCM additional data. */
export async function seal(kms: KeyManager, plaintext: string, context: EncryptionContext): Promise<SealedSecret> {
  const dataKey = await kms.generateDataKey(context);
  try {
    return { ciphertext: gcmSeal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), contextBytes(context)), encryptedDataKey: dataKey.encrypted, keyId: dataKey.keyId };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

export async function unseal(kms: KeyManager, sealed: SealedSecret, context: EncryptionContext): Promise<string> {
  const key = await kms.decryptDataKey(sealed.encryptedDataKey, sealed.keyId, context);
  try {
    return gcmOpen(key, sealed.ciphertext, contextBytes(context), 'the secret ciphertext').toString('utf8');
  } catch (e) {
    if (e instanceof GcmAuthError) throw new Error('secret does not decrypt: it was altered or belongs to another customer, vendor or name');
    throw e;
  } finally {
    key.fill(0);
  }
}
