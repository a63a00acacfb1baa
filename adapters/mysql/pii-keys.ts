/**
 * The customer's PII key: 256 random bits that pseudonym columns are HMACed under. Kept as
 * an envelope-encrypted credential (vendor "*", name "pii_key"), so it is sealed by the
 * KMS key of whoever holds the MySQL: DIF's for ordinary customers, the customer's own for
 * clean-room ones, and rotated with the other credentials' data keys.
 *
 * The key itself is never replaced by DIF: a new key would give every person a new
 * pseudonym and break joins with what is already loaded.
 *
 * The PII encryption key (name "pii_encryption_key", for `protect: "encrypt"` columns) is a
 * second, separate 256-bit key kept the same way, but only ever in a clean room's MySQL,
 * sealed by the customer's KMS: whoever holds it can decrypt every encrypted cell, so it is
 * not derived from the pseudonym key (which a customer that became clean-room later may
 * once have had in DIF's MySQL), and DIF's side never creates or reads it. Replacing it
 * would make every cell loaded so far undecryptable, so it is never replaced either.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialRef, CredentialStore } from './credentials';
import { registerSecret } from '../../activities/secret-scope';
import { MissingPiiKeyError } from '../../core/errors';

export const piiKeyRef = (customerId: string): CredentialRef => ({ customerId, vendor: '*', name: 'pii_key' });
export const piiEncryptionKeyRef = (customerId: string): CredentialRef => ({ customerId, vendor: '*', name: 'pii_encryption_key' });

/** Creates the customer's key unless one exists; says which. */
export async function ensurePiiKey(credentials: CredentialStore, customerId: string): Promise<'created' | 'exists'> {
  return ensureKey(credentials, piiKeyRef(customerId));
}

/** Creates the customer's encryption key unless one exists; run only against a clean room's MySQL and KMS. */
export async function ensurePiiEncryptionKey(credentials: CredentialStore, customerId: string): Promise<'created' | 'exists'> {
  return ensureKey(credentials, piiEncryptionKeyRef(customerId));
}

async function ensureKey(credentials: CredentialStore, ref: CredentialRef): Promise<'created' | 'exists'> {
  const existing = await credentials.list({ customerId: ref.customerId, vendor: ref.vendor });
  if (existing.some((c) => c.name === ref.name)) return 'exists';
  await credentials.set(ref, randomBytes(32).toString('base64'));
  return 'created';
}

/** The encryption key, unwrapped by the clean room's KMS; only the clean room's toCsv and `dif customers pii-decrypt` call this. */
export async function revealPiiEncryptionKey(credentials: CredentialStore, customerId: string): Promise<Buffer> {
  const key = await revealKey(
    credentials,
    piiEncryptionKeyRef(customerId),
    `customer "${customerId}" has no PII encryption key, which encrypt columns need; create it in its clean room (against its own MySQL and KMS) with: dif customers pii-encryption-key ${customerId}`,
  );
  if (key.length !== 32) throw new Error(`the PII encryption key of customer "${customerId}" is not 256 bits`);
  return key;
}

/** The key, decrypted; only the preprocessor calls this, just before use. */
export async function revealPiiKey(credentials: CredentialStore, customerId: string): Promise<Buffer> {
  const key = await revealKey(credentials, piiKeyRef(customerId), `customer "${customerId}" has no PII key, which pseudonym columns need; create it with: dif customers pii-key ${customerId}`);
  if (key.length < 32) throw new Error(`the PII key of customer "${customerId}" is shorter than 256 bits`);
  return key;
}

/** A stored key's bytes, with every spelling of them registered as a secret of this activity. */
async function revealKey(credentials: CredentialStore, ref: CredentialRef, missing: string): Promise<Buffer> {
  let encoded: string;
  try {
    encoded = await credentials.reveal(ref);
  } catch (e) {
    if (/^no credential/.test((e as Error).message)) throw new MissingPiiKeyError(missing);
    throw e;
  }
  const key = Buffer.from(encoded, 'base64');
  // The base64 text is registered by reveal; the key's other spellings here, should an error print the bytes.
  registerSecret(key.toString('hex'));
  registerSecret(key.toString('base64url'));
  return key;
}
