/**
 * Envelope encryption of secrets in MariaDB, with the local keyring and with the AWS KMS
 * API (local-kms): round trips, tampering, and the additional authenticated data binding a
 * secret to its customer, vendor and name.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { AwsKms, LocalKeyring, type KeyManager } from '../../adapters/kms';
import { CredentialStore } from '../../adapters/mysql/credentials';
import { createMysqlPool } from '../../adapters/mysql/pool';
import { KMS_ENDPOINT, TEST_MYSQL_URL, uniqueName } from '../setup/test-settings';

let pool: mysql.Pool;
const keyring = new LocalKeyring(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-keyring-')), 'keyring.json'));
const awsKms = new AwsKms({
  keyId: 'alias/dif-local', // created by scripts/local-kms-seed.yaml
  region: 'us-east-1',
  endpoint: KMS_ENDPOINT,
  accessKeyId: 'local',
  secretAccessKey: 'local',
});

beforeAll(() => {
  pool = createMysqlPool(TEST_MYSQL_URL);
});
afterAll(async () => {
  await pool.end();
  awsKms.destroy();
});

describe.each([
  ['local keyring', keyring as KeyManager],
  ['AWS KMS API (local-kms)', awsKms as KeyManager],
])('%s', (_name, kms) => {
  const customerId = uniqueName('cust');
  const ref = { customerId, vendor: 'demo-ads', name: 'api_key' };

  test('round trip: what is set is revealed, and the row holds no plaintext', async () => {
    const store = new CredentialStore(pool, kms);
    await store.set(ref, 'sk_live_round_trip_value');
    expect(await store.reveal(ref)).toBe('sk_live_round_trip_value');
    const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT * FROM credentials WHERE customer_id = ?', [customerId]);
    expect(rows).toHaveLength(1);
    const row = JSON.stringify(rows[0]) + Buffer.concat([rows[0].ciphertext, rows[0].encrypted_data_key]).toString('latin1');
    expect(row).not.toContain('sk_live_round_trip_value');
    expect(rows[0].key_id).toBe(await kms.currentKeyId());
  });

  test('list shows names, never values', async () => {
    const store = new CredentialStore(pool, kms);
    const listed = await store.list({ customerId });
    expect(listed.map((c) => c.name)).toEqual(['api_key']);
    expect(JSON.stringify(listed)).not.toContain('sk_live_round_trip_value');
  });

  test('a secret moved to another customer or name does not decrypt (AAD)', async () => {
    const store = new CredentialStore(pool, kms);
    const other = uniqueName('other');
    await pool.query(
      `INSERT INTO credentials (customer_id, vendor, name, ciphertext, encrypted_data_key, key_id)
       SELECT ?, vendor, name, ciphertext, encrypted_data_key, key_id FROM credentials WHERE customer_id = ?`,
      [other, customerId],
    );
    await expect(store.reveal({ ...ref, customerId: other })).rejects.toThrow(/does not decrypt|could not decrypt/);
    await pool.query(`UPDATE credentials SET name = 'refresh_token' WHERE customer_id = ?`, [other]);
    await expect(store.reveal({ ...ref, customerId: other, name: 'refresh_token' })).rejects.toThrow(/does not decrypt|could not decrypt/);
  });

  test('an altered ciphertext is detected', async () => {
    const store = new CredentialStore(pool, kms);
    const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT ciphertext FROM credentials WHERE customer_id = ?', [customerId]);
    const altered = Buffer.from(rows[0].ciphertext);
    altered[altered.length - 1] ^= 0x01;
    await pool.query('UPDATE credentials SET ciphertext = ? WHERE customer_id = ?', [altered, customerId]);
    const error = await store.reveal(ref).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/does not decrypt: it was altered/);
    expect((error as Error).message).toContain(customerId);
  });

  test('a missing credential says how to set it', async () => {
    const store = new CredentialStore(pool, kms);
    await expect(store.reveal({ ...ref, name: 'nothing_here' })).rejects.toThrow(
      `dif credentials set demo-ads nothing_here --customer ${customerId}`,
    );
  });
});

test('a local keyring rotated to a new master key still decrypts what the old one wrapped', async () => {
  const store = new CredentialStore(pool, keyring);
  const ref = { customerId: uniqueName('rot'), vendor: 'demo-ads', name: 'api_key' };
  await store.set(ref, 'before-rotation');
  const oldKey = await keyring.currentKeyId();
  const newKey = await keyring.rotate();
  expect(newKey).not.toBe(oldKey);
  expect(await store.reveal(ref)).toBe('before-rotation');
  await store.set(ref, 'after-rotation');
  const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT key_id FROM credentials WHERE customer_id = ?', [ref.customerId]);
  expect(rows[0].key_id).toBe(newKey);
  expect(await store.reveal(ref)).toBe('after-rotation');
});
