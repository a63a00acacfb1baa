/**
 * What a column's `pii` declaration means, without applying it: the protection it asks
 * for, the keys a table needs, whether a cell has the protected shape, and the mistakes a
 * declaration can hold. Applying it (hashing, encrypting) is runtime/pii/protect.ts.
 */
import type { ColumnConfig, ColumnPiiConfig } from './config-schema';
import { isEncryptedCell } from './pii';

export type Protection = 'pseudonym' | 'sha256' | 'encrypt';

/** The protection a column's declaration asks for; undefined means pseudonym. */
export function protectionOf(pii: ColumnPiiConfig): Protection {
  return pii.protect ?? 'pseudonym';
}

/** Whether a table needs the customer's PII key (any pseudonym column). */
export function needsPiiKey(columns: ColumnConfig[]): boolean {
  return columns.some((c) => c.pii && protectionOf(c.pii) === 'pseudonym');
}

/** The columns encrypted under the customer's own key: only a clean room holds that key. */
export function encryptedColumns(columns: ColumnConfig[]): string[] {
  return columns.filter((c) => c.pii && protectionOf(c.pii) === 'encrypt').map((c) => c.name);
}

/**
 * Why a run outside a clean room cannot have encrypt columns, or undefined when it has none.
 * The encryption key is meant to be held by the customer alone (its MySQL, its KMS); DIF
 * holding it would make "reversible only by the customer" untrue, so DIF's side never
 * creates, reads or uses one.
 */
export function encryptOutsideCleanRoom(columns: ColumnConfig[], customer: string, where: string): string | undefined {
  const encrypted = encryptedColumns(columns);
  if (!encrypted.length) return undefined;
  return (
    `${where}: column "${encrypted[0]}" is pii protect "encrypt", whose key only the customer's clean room holds, ` +
    `and this run of customer "${customer}" is not in its clean room; mark the customer clean-room with ` +
    `\`dif customers clean-room ${customer} on\` (README: Clean room) or protect the column as "pseudonym"`
  );
}

/** Whether an exported cell holds what its column's protection produces: 64 hex characters, or the encrypted shape. */
export function isProtectedCell(cell: string, pii: ColumnPiiConfig): boolean {
  return protectionOf(pii) === 'encrypt' ? isEncryptedCell(cell) : HEX_64.test(cell);
}
const HEX_64 = /^[0-9a-f]{64}$/;

/** Config mistakes in a `pii` declaration, as messages; the validator adds the config path. */
export function piiDeclarationProblems(column: ColumnConfig): string[] {
  const pii = column.pii;
  if (!pii) return [];
  const problems: string[] = [];
  if (column.type !== 'string') {
    const holds = pii.protect === 'encrypt' ? 'ciphertext (enc:v1:…)' : 'a 64-character hash';
    problems.push(`a pii column holds ${holds}, so its type must be "string", not "${column.type}"`);
  }
  if (column.metadata) problems.push('a metadata column cannot be pii');
  if (column.format) problems.push('a pii column takes no format: its normalisation follows its kind');
  if (pii.protect === 'sha256' && pii.kind !== 'email' && pii.kind !== 'phone') {
    problems.push(`protect "sha256" (the ad platforms' matching hash) applies to email and phone only; use "pseudonym" for ${pii.kind}`);
  }
  if (pii.defaultCountryCode && pii.kind !== 'phone') problems.push('defaultCountryCode applies to phone columns only');
  return problems;
}
