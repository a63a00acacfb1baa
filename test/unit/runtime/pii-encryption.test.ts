/**
 * `protect: "encrypt"`: deterministic AES-256-GCM-SIV under the customer's own key. The
 * same person gives the same cell (joins, dedup), another customer's key gives another
 * cell and cannot read it, any altered byte is detected, values are normalised before
 * encryption, and the cell has one declared shape that the clean room's export checks.
 */
import { RowMapper } from '../../../runtime/row-mapper';
import { encryptOutsideCleanRoom, isProtectedCell, piiDeclarationProblems } from '../../../core/pii-columns';
import { protectCell } from '../../../runtime/pii/protect';
import { PiiCipher } from '../../../runtime/pii/encryption';
import { isEncryptedCell, PiiDecryptError } from '../../../core/pii';
import { validateVendorConfig, ConfigError } from '../../../core/validate';
import type { ColumnConfig, TableConfig } from '../../../core/config-schema';
import demoAds from '../../../vendors/demo-ads/config.json';

const facts = { customer: 'acme', vendor: 'v', stream: 's', windowFrom: '2026-01-01', windowTo: '2026-01-02', runId: 'r1', extractedAt: '2026-01-03T00:00:00.000Z' };
const acmeKey = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const acme = new PiiCipher(acmeKey);

const table: TableConfig = {
  name: 'contacts',
  primaryKey: ['email'],
  columns: [
    { name: 'email', type: 'string', pii: { kind: 'email', protect: 'encrypt' } },
    { name: 'phone', type: 'string', pii: { kind: 'phone', protect: 'encrypt', defaultCountryCode: '44' } },
    { name: 'name', type: 'string', pii: { kind: 'name', protect: 'encrypt' } },
  ],
};

test('the same normalised value always gives the same cell, and it decrypts to that value', () => {
  const a = acme.encrypt('email', 'ada@example.com');
  expect(new PiiCipher(acmeKey).encrypt('email', 'ada@example.com')).toBe(a);
  expect(a).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
  expect(acme.decrypt(a)).toEqual({ kind: 'email', value: 'ada@example.com' });
  expect(acme.decrypt(a, 'email').value).toBe('ada@example.com');
  // Different values, different cells; the length follows the value's (that and equality are what leaks).
  expect(acme.encrypt('email', 'alan@example.com')).not.toBe(a);
  const bytesOf = (cell: string) => Buffer.from(cell.slice('enc:v1:'.length), 'base64url').length;
  expect(bytesOf(a)).toBe(12 + 'ada@example.com'.length + 16);
  expect(bytesOf(acme.encrypt('email', 'ada@example.co'))).toBe(bytesOf(a) - 1);
});

test('the format is stable: a cell loaded today still decrypts after any code change (known answer)', () => {
  // Pinned once from this implementation; if this changes, loaded cells no longer decrypt or join.
  expect(acme.encrypt('email', 'ada@example.com')).toBe(KNOWN_CELL);
  expect(acme.decrypt(KNOWN_CELL).value).toBe('ada@example.com');
});
const KNOWN_CELL = 'enc:v1:eCwipyyQYNMN1qdqchSBw2eJQ6-O-v2zWccQWG6kliPw0DHKzX2uFiUm_g';

test('another customer’s key gives another cell and cannot decrypt this one', () => {
  const other = new PiiCipher(otherKey);
  expect(other.encrypt('email', 'ada@example.com')).not.toBe(acme.encrypt('email', 'ada@example.com'));
  expect(() => other.decrypt(acme.encrypt('email', 'ada@example.com'))).toThrow(PiiDecryptError);
  expect(() => other.decrypt(acme.encrypt('email', 'ada@example.com'))).toThrow(/does not decrypt under this customer's key/);
});

test('any altered byte (nonce, ciphertext, tag) or another kind is detected, and the error quotes nothing of the cell', () => {
  const cell = acme.encrypt('name', 'ada lovelace');
  const bytes = Buffer.from(cell.slice('enc:v1:'.length), 'base64url');
  for (const at of [0, 11, 12, 12 + 5, bytes.length - 1]) {
    const altered = Buffer.from(bytes);
    altered[at] ^= 0x01;
    const tampered = `enc:v1:${altered.toString('base64url')}`;
    let error: unknown;
    try {
      acme.decrypt(tampered);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PiiDecryptError);
    expect((error as Error).message).not.toContain(tampered.slice(7, 20));
  }
  // The kind is authenticated: a name's cell is not an email's.
  expect(() => acme.decrypt(cell, 'email')).toThrow(/does not decrypt under this customer's key as email/);
  expect(acme.decrypt(cell).kind).toBe('name');
  // Cut short, or a cell of another shape.
  expect(() => acme.decrypt(`enc:v1:${bytes.subarray(0, 27).toString('base64url')}`)).toThrow(/not an encrypted cell/);
  expect(() => acme.decrypt('ada@example.com')).toThrow(/not an encrypted cell/);
});

test('values are normalised before encryption: other spellings of one person give one cell', () => {
  const mapper = new RowMapper(table, facts, {}, '$.t', undefined, acmeKey);
  const { rows, rejects } = mapper.map(
    [
      { record: { email: '  Ada@Example.COM ', phone: '020 7946 0958', name: 'Ada  Lovelace' }, number: 1 },
      { record: { email: 'ada@example.com', phone: '+44 20 7946 0958', name: 'ada lovelace' }, number: 2 },
      { record: { email: null, phone: null, name: null }, number: 3 },
    ],
    undefined,
  );
  expect(rejects).toEqual([]);
  expect(rows[0].slice(0, 3)).toEqual(rows[1].slice(0, 3));
  expect(rows[2].slice(0, 3)).toEqual([null, null, null]);
  expect(rows[0].slice(0, 3).map((c) => acme.decrypt(c!).value)).toEqual(['ada@example.com', '+442079460958', 'ada lovelace']);
  expect(JSON.stringify(rows)).not.toMatch(/ada|lovelace|7946/i);
});

test('a value that does not normalise rejects its row without the value; no key, no mapper', () => {
  const mapper = new RowMapper(table, facts, {}, '$.t', undefined, acmeKey);
  const { rows, rejects } = mapper.map([{ record: { email: 'grace.hopper-at-navy' }, number: 4 }], undefined);
  expect(rows).toEqual([]);
  expect(rejects[0].reason).toMatch(/column "email": not an email address \(value withheld: personal data\)/);
  expect(rejects[0].reason).not.toContain('grace');
  expect(() => new RowMapper(table, facts, {}, '$.streams.contacts.table.columns', Buffer.alloc(32, 1))).toThrow(
    /encrypt \(pii\) columns but no customer PII encryption key/,
  );
  expect(() => protectCell('ada@example.com', table.columns[0], table.columns[0].pii!, { pseudonym: acmeKey })).toThrow(/no customer PII encryption key/);
  expect(() => new PiiCipher(Buffer.alloc(16))).toThrow(/256 bits/);
});

test('the declared cell shape: exactly enc:v1: and canonical base64url of at least nonce and tag', () => {
  const cell = acme.encrypt('email', 'ada@example.com');
  expect(isEncryptedCell(cell)).toBe(true);
  expect(isEncryptedCell(acme.encrypt('name', ''))).toBe(true);
  const hex = 'a'.repeat(64);
  for (const bad of [
    'ada@example.com',
    hex,
    'enc:v1:',
    `enc:v2:${cell.slice(7)}`,
    `${cell}=`, // padding is not base64url
    `${cell.slice(0, 7)}${cell.slice(7).replace(/^./, '+')}`, // base64, not base64url
    ` ${cell}`,
    `${cell}\n`,
    `enc:v1:${Buffer.alloc(27).toString('base64url')}`, // shorter than nonce + tag
    `enc:v1:${'A'.repeat(37)}B`, // 28 bytes whose last character carries bits no byte has (not canonical)
    `enc:v1:${Buffer.from('ada@example.com is a person who wrote the first program').toString('base64url')}X`,
  ]) {
    expect({ bad, shaped: isEncryptedCell(bad) }).toEqual({ bad, shaped: false });
  }
  // The export check takes each column's own shape and nothing else.
  const encrypt = { kind: 'email', protect: 'encrypt' } as const;
  const pseudonym = { kind: 'email' } as const;
  expect(isProtectedCell(cell, encrypt)).toBe(true);
  expect(isProtectedCell(hex, encrypt)).toBe(false);
  expect(isProtectedCell(cell, pseudonym)).toBe(false);
  expect(isProtectedCell(hex, pseudonym)).toBe(true);
});

test('encrypt declarations: string columns only (path named), any kind, allowed in the primary key since it is deterministic', () => {
  const column = (c: Partial<ColumnConfig>): ColumnConfig => ({ name: 'x', type: 'string', pii: { kind: 'email', protect: 'encrypt' }, ...c });
  expect(piiDeclarationProblems(column({ type: 'integer' }))).toEqual([expect.stringMatching(/holds ciphertext \(enc:v1:…\), so its type must be "string", not "integer"/)]);
  for (const kind of ['email', 'phone', 'name', 'address', 'ip', 'device_id'] as const) {
    expect(piiDeclarationProblems(column({ pii: { kind, protect: 'encrypt' } }))).toEqual([]);
  }
  const config = JSON.parse(JSON.stringify(demoAds));
  const columns = config.streams.campaign_daily.table.columns;
  // campaign_id: a string column and the first primary-key column.
  expect([columns[0].name, columns[0].type, config.streams.campaign_daily.table.primaryKey[0]]).toEqual(['campaign_id', 'string', 'campaign_id']);
  columns[0].pii = { kind: 'device_id', protect: 'encrypt' };
  expect(() => validateVendorConfig(config, 'vendors/demo-ads/config.json', 'demo-ads')).not.toThrow();
  const numeric = columns.findIndex((c: ColumnConfig) => c.name === 'impressions');
  columns[numeric].pii = { kind: 'ip', protect: 'encrypt' };
  let error: unknown;
  try {
    validateVendorConfig(config, 'vendors/demo-ads/config.json', 'demo-ads');
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(`$.streams.campaign_daily.table.columns[${numeric}].pii: a pii column holds ciphertext`);
  config.streams.campaign_daily.table.columns[numeric].pii = { kind: 'ip', protect: 'encrypted' };
  expect(() => validateVendorConfig(config, 'vendors/demo-ads/config.json', 'demo-ads')).toThrow(new RegExp(`columns\\[${numeric}\\]\\.pii\\.protect`));
});

test('outside a clean room, an encrypt column is refused by name and reason', () => {
  expect(encryptOutsideCleanRoom(table.columns, 'acme', '$.streams.contacts.table.columns')).toBe(
    '$.streams.contacts.table.columns: column "email" is pii protect "encrypt", whose key only the customer\'s clean room holds, ' +
      'and this run of customer "acme" is not in its clean room; mark the customer clean-room with `dif customers clean-room acme on` ' +
      '(README: Clean room) or protect the column as "pseudonym"',
  );
  expect(encryptOutsideCleanRoom([{ name: 'e', type: 'string', pii: { kind: 'email' } }], 'acme', '$')).toBeUndefined();
});
