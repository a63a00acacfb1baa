/**
 * The two one-way protections of a normalised personal value (core/pii.ts normalises):
 * the ad platforms' unsalted SHA-256, and a pseudonym keyed by the customer. Runtime, not
 * core, because they need node:crypto.
 */
import { createHash, createHmac } from 'node:crypto';
import { normalize, PiiValueError, type PiiKind } from '../../core/pii';

/** The ad platforms' matching hash: SHA-256 of the normalised value, lower-case hex. */
export function platformHash(kind: PiiKind, value: string, options: { defaultCountryCode?: string } = {}): string {
  return createHash('sha256').update(normalize(kind, value, options), 'utf8').digest('hex');
}

/** A joinable pseudonym: HMAC-SHA-256 under the customer's key, of the normalised value. */
export function pseudonym(kind: PiiKind, value: string, customerKey: Buffer, options: { defaultCountryCode?: string } = {}): string {
  if (customerKey.length < 32) throw new PiiValueError('the customer key must hold at least 256 bits');
  return createHmac('sha256', customerKey).update(`${kind}:${normalize(kind, value, options)}`, 'utf8').digest('hex');
}
