/**
 * Applies a column's `pii` declaration to its cell: the normalised value, hashed (the ad
 * platforms' SHA-256) or pseudonymised (HMAC-SHA-256 under the customer's key). Pure; the
 * key is passed in by the preprocessor, which reads it from the credential store.
 *
 * A value that does not normalise fails as a ColumnValueError (the row goes to the rejects
 * file), and the reason never carries the value: rejects reasons end up in run failures.
 */
import type { ColumnConfig, ColumnPiiConfig } from './config-schema';
import { ColumnValueError } from './columns';
import { PiiValueError, platformHash, pseudonym, type PiiKind } from './pii';

/** The protection a column's declaration asks for; undefined means pseudonym. */
export function protectionOf(pii: ColumnPiiConfig): 'pseudonym' | 'sha256' {
  return pii.protect ?? 'pseudonym';
}

/** Whether a table needs the customer's PII key (any pseudonym column). */
export function needsPiiKey(columns: ColumnConfig[]): boolean {
  return columns.some((c) => c.pii && protectionOf(c.pii) === 'pseudonym');
}

/** Config mistakes in a `pii` declaration, as messages; the validator adds the config path. */
export function piiDeclarationProblems(column: ColumnConfig): string[] {
  const pii = column.pii;
  if (!pii) return [];
  const problems: string[] = [];
  if (column.type !== 'string') problems.push(`a pii column holds a 64-character hash, so its type must be "string", not "${column.type}"`);
  if (column.metadata) problems.push('a metadata column cannot be pii');
  if (column.format) problems.push('a pii column takes no format: its normalisation follows its kind');
  if (pii.protect === 'sha256' && pii.kind !== 'email' && pii.kind !== 'phone') {
    problems.push(`protect "sha256" (the ad platforms' matching hash) applies to email and phone only; use "pseudonym" for ${pii.kind}`);
  }
  if (pii.defaultCountryCode && pii.kind !== 'phone') problems.push('defaultCountryCode applies to phone columns only');
  return problems;
}

/** The protected cell of a column declared `pii`; `key` must be given when the column is a pseudonym. */
export function protectCell(cell: string, column: ColumnConfig, pii: ColumnPiiConfig, key: Buffer | undefined): string {
  const { defaultCountryCode } = pii;
  const kind = pii.kind as PiiKind;
  try {
    if (protectionOf(pii) === 'sha256') return platformHash(kind, cell, { defaultCountryCode });
    if (!key) throw new Error(`column "${column.name}" is a pseudonym but no customer PII key was given`);
    return pseudonym(kind, cell, key, { defaultCountryCode });
  } catch (e) {
    // The value is withheld on purpose: this reason is written to rejects and run errors.
    if (e instanceof PiiValueError) throw new ColumnValueError(column.name, `${e.message} (value withheld: personal data)`);
    throw e;
  }
}
