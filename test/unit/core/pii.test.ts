/** PII normalisation and protection (clean room groundwork). */
import { createHash } from 'node:crypto';
import { normalizeEmail, normalizePhone, PiiValueError } from '../../../core/pii';
import { platformHash, pseudonym } from '../../../runtime/pii/hash';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const key = Buffer.alloc(32, 7);

test('emails are trimmed and lower-cased before hashing, as the ad platforms require', () => {
  expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
  expect(platformHash('email', ' Jane.Doe@Example.COM')).toBe(sha256('jane.doe@example.com'));
  expect(() => normalizeEmail('not-an-email')).toThrow(PiiValueError);
});

test('phones become E.164; a national number needs a default country code', () => {
  expect(normalizePhone('+1 (650) 555-1234')).toBe('+16505551234');
  expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
  expect(normalizePhone('020 7946 0958', '44')).toBe('+442079460958');
  expect(() => normalizePhone('020 7946 0958')).toThrow(/without its country code/);
  expect(() => normalizePhone('+12')).toThrow(/7 to 15 digits/);
  expect(platformHash('phone', '+1 650-555-1234')).toBe(sha256('+16505551234'));
});

test('pseudonyms join across spellings of one value, differ by key and by kind, and never equal the platform hash', () => {
  const a = pseudonym('email', 'Jane@Example.com', key);
  expect(pseudonym('email', ' jane@example.com ', key)).toBe(a);
  expect(pseudonym('email', 'jane@example.com', Buffer.alloc(32, 8))).not.toBe(a);
  expect(pseudonym('name', 'jane@example.com', key)).not.toBe(a);
  expect(a).not.toBe(platformHash('email', 'jane@example.com'));
  expect(a).toMatch(/^[0-9a-f]{64}$/);
  expect(() => pseudonym('email', 'jane@example.com', Buffer.alloc(16))).toThrow(/256 bits/);
});
