/**
 * AES-256-GCM as DIF stores it: iv (12 bytes) | auth tag (16 bytes) | ciphertext. Shared by
 * the envelope (secrets under data keys) and the local keyring (data keys under master keys).
 *
 * The tag length is fixed at 16 on both sides. Without `authTagLength`, Node's decipher takes
 * any tag of 4 to 16 bytes, so a stored value cut short would be checked against as little as
 * 32 bits of tag: forgeable by trying. A value too short to hold a whole tag is refused before
 * any decryption is attempted.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const HEADER_BYTES = IV_BYTES + TAG_BYTES;

/** A sealed value that cannot be well formed (cut short); says so without quoting any byte of it. */
export class SealedFormatError extends Error {
  constructor(what: string, length: number) {
    super(`${what} is ${length} bytes, shorter than its ${IV_BYTES}-byte IV and ${TAG_BYTES}-byte auth tag: truncated or altered`);
    this.name = 'SealedFormatError';
  }
}

/** A well-formed value whose tag does not match: wrong key, wrong context, or altered. */
export class GcmAuthError extends Error {
  constructor() {
    super('AES-GCM authentication failed');
    this.name = 'GcmAuthError';
  }
}

export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens what gcmSeal made; `what` names the value in the error ("secret ciphertext", "data key"). */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < HEADER_BYTES) throw new SealedFormatError(what, sealed.length);
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, HEADER_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw new GcmAuthError();
  }
}
