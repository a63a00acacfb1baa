/**
 * PII columns: declared in the table, protected in the row mapper before any CSV is
 * written, rejected without their value when they do not normalise, and checked by the
 * validator so a declaration that cannot work is refused with its config path.
 */
import { createHash, createHmac } from 'node:crypto';
import { RowMapper } from '../../../runtime/row-mapper';
import { needsPiiKey, piiDeclarationProblems } from '../../../core/pii-columns';
import { validateVendorConfig, ConfigError } from '../../../core/validate';
import type { TableConfig } from '../../../core/config-schema';
import demoAds from '../../../vendors/demo-ads/config.json';

const facts = { customer: 'acme', vendor: 'v', stream: 's', windowFrom: '2026-01-01', windowTo: '2026-01-02', runId: 'r1', extractedAt: '2026-01-03T00:00:00.000Z' };
const key = Buffer.alloc(32, 7);

const table: TableConfig = {
  name: 'contacts',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'string' },
    { name: 'email', type: 'string', pii: { kind: 'email' } },
    { name: 'email_sha256', type: 'string', source: 'record.email', pii: { kind: 'email', protect: 'sha256' } },
    { name: 'phone', type: 'string', pii: { kind: 'phone', defaultCountryCode: '44' } },
    { name: 'name', type: 'string', pii: { kind: 'name' } },
  ],
};

test('pseudonyms under the customer key, platform SHA-256 of the normalised value, nulls kept', () => {
  const mapper = new RowMapper(table, facts, {}, '$.t', key);
  const { rows, rejects } = mapper.map(
    [
      { record: { id: '1', email: '  Ada@Example.COM ', phone: '020 7946 0958', name: 'Ada  Lovelace' }, number: 1 },
      { record: { id: '2', email: null, phone: '+44 20 7946 0958', name: '' }, number: 2 },
    ],
    undefined,
  );
  expect(rejects).toEqual([]);
  const hmac = (v: string) => createHmac('sha256', key).update(v).digest('hex');
  expect(rows[0].slice(0, 5)).toEqual([
    '1',
    hmac('email:ada@example.com'),
    createHash('sha256').update('ada@example.com').digest('hex'),
    hmac('phone:+442079460958'),
    hmac('name:ada lovelace'),
  ]);
  // The same person under another spelling gets the same pseudonym: joins still work.
  expect(rows[1][3]).toBe(rows[0][3]);
  expect(rows[1].slice(1, 3)).toEqual([null, null]);
  expect(rows[1][4]).toBeNull();
  expect(JSON.stringify(rows)).not.toMatch(/ada|lovelace|7946/i);
});

test('a value that does not normalise rejects its row, and the reason does not carry the value', () => {
  const mapper = new RowMapper(table, facts, {}, '$.t', key);
  const { rows, rejects } = mapper.map([{ record: { id: '3', email: 'grace.hopper-at-navy', phone: '+44 20 7946 0958' }, number: 9 }], undefined);
  expect(rows).toEqual([]);
  expect(rejects).toHaveLength(1);
  expect(rejects[0].number).toBe(9);
  expect(rejects[0].reason).toMatch(/column "email": not an email address \(value withheld: personal data\)/);
  expect(rejects[0].reason).not.toContain('grace');
});

test('a table with pseudonym columns refuses to map without the key', () => {
  expect(needsPiiKey(table.columns)).toBe(true);
  expect(needsPiiKey([{ name: 'e', type: 'string', pii: { kind: 'email', protect: 'sha256' } }])).toBe(false);
  expect(() => new RowMapper(table, facts, {}, '$.streams.contacts.table.columns')).toThrow(/pseudonym \(pii\) columns but no customer PII key/);
});

test('declarations that cannot work are named', () => {
  expect(piiDeclarationProblems({ name: 'x', type: 'integer', pii: { kind: 'phone' } })).toEqual([expect.stringMatching(/type must be "string"/)]);
  expect(piiDeclarationProblems({ name: 'x', type: 'string', pii: { kind: 'name', protect: 'sha256' } })).toEqual([
    expect.stringMatching(/email and phone only/),
  ]);
  expect(piiDeclarationProblems({ name: 'x', type: 'string', pii: { kind: 'email', defaultCountryCode: '1' } })).toEqual([
    expect.stringMatching(/phone columns only/),
  ]);

  const config = JSON.parse(JSON.stringify(demoAds));
  config.streams.campaign_daily.table.columns[0].pii = { kind: 'device_id', protect: 'sha256' };
  try {
    validateVendorConfig(config, 'vendors/demo-ads/config.json', 'demo-ads');
    throw new Error('expected a ConfigError');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toContain('$.streams.campaign_daily.table.columns[0].pii');
  }
  config.streams.campaign_daily.table.columns[0].pii = { kind: 'fingerprint' };
  expect(() => validateVendorConfig(config, 'vendors/demo-ads/config.json', 'demo-ads')).toThrow(/columns\[0\]\.pii\.kind/);
});
