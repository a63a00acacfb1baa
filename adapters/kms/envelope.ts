import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionContext, KeyManager } from './key-manager';
import { contextBytes } from './local-keyring';

/** One encrypted secret as stored: AES-256-GCM under its own data key, wrapped by KMS. */
export interface SealedSecret {
  /** iv (12 bytes) | auth tag (16 bytes) | ciphertext */
  ciphertext: Buffer;
  encryptedDataKey: Buffer;
  keyId: string;
}

/** Encrypts with a fresh data key; `context` (customer, vendor, name) is the GCM additional data. */
export async function seal(kms: KeyManager, plaintext: string, context: EncryptionContext): Promise<SealedSecret> {
  const dataKey = await kms.generateDataKey(context);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv);
    cipher.setAAD(contextBytes(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]), encryptedDataKey: dataKey.encrypted, keyId: dataKey.keyId };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

export async function unseal(kms: KeyManager, sealed: SealedSecret, context: EncryptionContext): Promise<string> {
  const key = await kms.decryptDataKey(sealed.encryptedDataKey, sealed.keyId, context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.ciphertext.subarray(0, 12));
    decipher.setAAD(contextBytes(context));
    decipher.setAuthTag(sealed.ciphertext.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.ciphertext.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('secret does not decrypt: it was altered or belongs to another customer, vendor or name');
  } finally {
    key.fill(0);
  }
}
