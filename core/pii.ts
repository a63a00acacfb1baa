/**
 * Protection of personally identifiable values before they leave a clean room (issue 6):
 * normalisation as ad platforms define it, then either the platform-standard unsalted
 * SHA-256 (Customer Match / Custom Audiences matching) or HMAC-SHA-256 under the
 * customer's own key (pseudonyms that join across DIF's tables but cannot be reversed or
 * matched without the key). Pure functions; the key comes from the credential store.
 * Reversible encryption of the same normalised values is in pii-encryption.ts; columns
 * apply all three in pii-columns.ts.
 */
import { createHash, createHmac } from 'node:crypto';

export type PiiKind = 'email' | 'phone' | 'name' | 'address' | 'ip' | 'device_id';

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

/** The ad platforms' matching hash: SHA-256 of the normalised value, lower-case hex. */
export function platformHash(kind: PiiKind, value: string, options: { defaultCountryCode?: string } = {}): string {
  return createHash('sha256').update(normalize(kind, value, options), 'utf8').digest('hex');
}

/** A joinable pseudonym: HMAC-SHA-256 under the customer's key, of the normalised value. */
export function pseudonym(kind: PiiKind, value: string, customerKey: Buffer, options: { defaultCountryCode?: string } = {}): string {
  if (customerKey.length < 32) throw new PiiValueError('the customer key must hold at least 256 bits');
  return createHmac('sha256', customerKey).update(`${kind}:${normalize(kind, value, options)}`, 'utf8').digest('hex');
}
