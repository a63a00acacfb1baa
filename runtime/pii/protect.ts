/**
 * Applies a column's `pii` declaration to its cell: the normalised value, hashed (the ad
 * platforms' SHA-256), pseudonymised (HMAC-SHA-256 under the customer's key) or encrypted
 * (deterministic AES-256-GCM-SIV under the customer's own data key, encryption.ts).
 * The keys are passed in by the preprocessor, which reads them from the credential store.
 *
 * A value that does not normalise fails as a ColumnValueError (the row goes to the rejects
 * file), and the reason never carries the value: rejects reasons end up in run failures.
 */
import type { ColumnConfig, ColumnPiiConfig } from '../../core/config-schema';
import { ColumnValueError } from '../../core/columns';
import { normalize, PiiValueError, type PiiKind } from '../../core/pii';
import { protectionOf } from '../../core/pii-columns';
import { platformHash, pseudonym } from './hash';
import type { PiiCipher } from './encryption';

/** What the protections need: the pseudonym key, and the cipher of the customer's encryption key. */
export interface PiiKeys {
  pseudonym?: Buffer;
  cipher?: PiiCipher;
}

/** The protected cell of a column declared `pii`; the key its protection needs must be in `keys`. */
export function protectCell(cell: string, column: ColumnConfig, pii: ColumnPiiConfig, keys: PiiKeys): string {
  const { defaultCountryCode } = pii;
  const kind = pii.kind as PiiKind;
  try {
    const protection = protectionOf(pii);
    if (protection === 'sha256') return platformHash(kind, cell, { defaultCountryCode });
    if (protection === 'encrypt') {
      if (!keys.cipher) throw new Error(`column "${column.name}" is encrypted but no customer PII encryption key was given`);
      // Normalised first, as for hashes: the same person always gives the same cell.
      return keys.cipher.encrypt(kind, normalize(kind, cell, { defaultCountryCode }));
    }
    if (!keys.pseudonym) throw new Error(`column "${column.name}" is a pseudonym but no customer PII key was given`);
    return pseudonym(kind, cell, keys.pseudonym, { defaultCountryCode });
  } catch (e) {
    // The value is withheld on purpose: this reason is written to rejects and run errors.
    if (e instanceof PiiValueError) throw new ColumnValueError(column.name, `${e.message} (value withheld: personal data)`);
    throw e;
  }
}
