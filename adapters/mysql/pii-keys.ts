/**
 * The customer's PII key: 256 random bits that pseudonym columns are HMACed under. Kept as
 * an envelope-encrypted credential (vendor "*", name "pii_key"), so it is sealed by the
 * KMS key of whoever holds the MySQL: DIF's for ordinary customers, the customer's own for
 * clean-room ones, and rotated with the other credentials' data keys.
 *
 * The key itself is never replaced by DIF: a new key would give every person a new
 * pseudonym and break joins with what is already loaded.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialRef, CredentialStore } from './credentials';
import { registerSecret } from '../../activities/secret-scope';

/** No retry helps: someone has to create the key. */
export class MissingPiiKeyError extends Error {
  override name = 'MissingPiiKeyError';
}

export const piiKeyRef = (customerId: string): CredentialRef => ({ customerId, vendor: '*', name: 'pii_key' });

/** Creates the customer's key unless one exists; says which. */
export async function ensurePiiKey(credentials: CredentialStore, customerId: string): Promise<'created' | 'exists'> {
  const existing = await credentials.list({ customerId, vendor: '*' });
  if (existing.some((c) => c.name === 'pii_key')) return 'exists';
  await credentials.set(piiKeyRef(customerId), randomBytes(32).toString('base64'));
  return 'created';
}

/** The key, decrypted; only the preprocessor calls this, just before use. */
export async function revealPiiKey(credentials: CredentialStore, customerId: string): Promise<Buffer> {
  let encoded: string;
  try {
    encoded = await credentials.reveal(piiKeyRef(customerId));
  } catch (e) {
    if (/^no credential/.test((e as Error).message)) {
      throw new MissingPiiKeyError(`customer "${customerId}" has no PII key, which pseudonym columns need; create it with: dif customers pii-key ${customerId}`);
    }
    throw e;
  }
  const key = Buffer.from(encoded, 'base64');
  // The base64 text is registered by reveal; the key's other spellings here, should an error print the bytes.
  registerSecret(key.toString('hex'));
  registerSecret(key.toString('base64url'));
  if (key.length < 32) throw new Error(`the PII key of customer "${customerId}" is shorter than 256 bits`);
  return key;
}
