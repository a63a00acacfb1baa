/**
 * Protection of personally identifiable values before they leave a clean room (issue 6):
 * normalisation as ad platforms define it, then either the platform-standard unsalted
 * SHA-256 (Customer Match / Custom Audiences matching) or HMAC-SHA-256 under the
 * customer's own key (pseudonyms that join across DIF's tables but cannot be reversed or
 * matched without the key). This file holds the pure half: kinds, normalisation and the
 * shape of an encrypted cell. The hashes and the cipher use node:crypto and live in
 * runtime/pii/ (hash.ts, encryption.ts); runtime/pii/protect.ts applies them to a column.
 */
export type PiiKind = 'email' | 'phone' | 'name' | 'address' | 'ip' | 'device_id';
export const PII_KINDS: PiiKind[] = ['email', 'phone', 'name', 'address', 'ip', 'device_id'];

export class PiiValueError extends Error {
  override name = 'PiiValueError';
}

/** Trimmed, lower-case: the email rule of Google Customer Match and Meta Custom Audiences. */
export function normalizeEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new PiiValueError(`not an email address`);
  return email;
}

/**
 * E.164: a plus sign, the country code and the number, digits only. A number written
 * without its country code takes `defaultCountryCode` (digits, e.g. "1" or "44") and loses
 * a national trunk zero; without one it is refused rather than guessed.
 */
export function normalizePhone(value: string, defaultCountryCode?: string): string {
  const trimmed = value.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  let e164: string;
  if (trimmed.startsWith('+')) e164 = `+${digits}`;
  else if (trimmed.startsWith('00')) e164 = `+${digits.slice(2)}`;
  else if (defaultCountryCode) e164 = `+${defaultCountryCode}${digits.replace(/^0/, '')}`;
  else throw new PiiValueError('a phone number without its country code, and no default country code');
  if (!/^\+[1-9]\d{6,14}$/.test(e164)) throw new PiiValueError('not a phone number (E.164 allows 7 to 15 digits)');
  return e164;
}

export function normalize(kind: PiiKind, value: string, options: { defaultCountryCode?: string } = {}): string {
  switch (kind) {
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, options.defaultCountryCode);
    case 'name':
    case 'address':
      return value.trim().toLowerCase().replace(/\s+/g, ' ');
    case 'ip':
    case 'device_id':
      return value.trim().toLowerCase();
  }
}

// The shape of a `protect: "encrypt"` cell (runtime/pii/encryption.ts makes them): declared
// here so that checking a cell (the clean room's export, validation) needs no cipher.
export const ENCRYPTED_PREFIX = 'enc:v1:';
export const CELL_NONCE_BYTES = 12;
const CELL_TAG_BYTES = 16;
/** base64url characters of the shortest cell: nonce and tag around an empty value. */
const MIN_ENCODED = Math.ceil(((CELL_NONCE_BYTES + CELL_TAG_BYTES) * 4) / 3);
/** `enc:v1:` and canonical unpadded base64url of at least nonce + tag (28 bytes: 38 characters). */
const CELL_SHAPE = /^enc:v1:(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048]|[A-Za-z0-9_-][AQgw])?$/;

/** The cell could not be decrypted with this key: not ours, altered, or another customer's. */
export class PiiDecryptError extends Error {
  override name = 'PiiDecryptError';
}

/** Whether a cell has the declared shape of an encrypted value (it says nothing of the key it is under). */
export function isEncryptedCell(cell: string): boolean {
  return CELL_SHAPE.test(cell) && cell.length >= ENCRYPTED_PREFIX.length + MIN_ENCODED;
}
