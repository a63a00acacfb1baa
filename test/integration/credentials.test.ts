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

describe('rotation re-encrypts every secret under the current key, without stopping readers', () => {
  const values = (customerId: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ ref: { customerId, vendor: 'demo-ads', name: `secret_${i}` }, value: `value-${i}-${customerId}` }));

  async function rowsOf(customerId: string) {
    const [rows] = await pool.query<mysql.RowDataPacket[]>(
      'SELECT name, encrypted_data_key, key_id FROM credentials WHERE customer_id = ? ORDER BY name',
      [customerId],
    );
    return rows.map((r) => ({ name: r.name as string, dataKey: Buffer.from(r.encrypted_data_key).toString('hex'), keyId: r.key_id as string }));
  }

  /** Reveals in a loop until `done`, returning how many succeeded; any failure or wrong value throws. */
  async function revealWhile(store: CredentialStore, secrets: ReturnType<typeof values>, done: () => boolean) {
    let reads = 0;
    while (!done()) {
      const { ref, value } = secrets[reads % secrets.length];
      expect(await store.reveal(ref)).toBe(value);
      reads++;
    }
    return reads;
  }

  test('local keyring: new master key, a new data key per secret, reveals racing the rotation all succeed', async () => {
    const ring = new LocalKeyring(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-keyring-')), 'keyring.json'));
    const store = new CredentialStore(pool, ring);
    const customerId = uniqueName('rotl');
    const secrets = values(customerId, 30);
    for (const s of secrets) await store.set(s.ref, s.value);
    const before = await rowsOf(customerId);
    const newKey = await ring.rotate();

    let done = false;
    const readers = Promise.all([1, 2].map(() => revealWhile(store, secrets, () => done)));
    const report = await store.rotate({ customerId });
    done = true;
    const reads = (await readers).reduce((a, b) => a + b, 0);

    expect(report).toEqual({ rotated: 30, skipped: 0, failed: [] });
    expect(reads).toBeGreaterThan(10); // the readers really ran during the rotation
    const after = await rowsOf(customerId);
    expect(after.every((r) => r.keyId === newKey)).toBe(true);
    expect(before.every((r) => r.keyId !== newKey)).toBe(true);
    after.forEach((r, i) => expect(r.dataKey).not.toBe(before[i].dataKey));
    expect(new Set(after.map((r) => r.dataKey)).size).toBe(30); // one data key per secret
    for (const s of secrets) expect(await store.reveal(s.ref)).toBe(s.value);
  });

  test('AWS KMS API (local-kms): secrets move to a new KMS key; a tampered row is reported, not rotated', async () => {
    const { KMSClient, CreateKeyCommand } = await import('@aws-sdk/client-kms');
    const client = new KMSClient({ region: 'us-east-1', endpoint: KMS_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const created = await client.send(new CreateKeyCommand({ Description: 'dif rotation test' }));
    client.destroy();
    const newKms = new AwsKms({ keyId: created.KeyMetadata!.Arn!, region: 'us-east-1', endpoint: KMS_ENDPOINT, accessKeyId: 'local', secretAccessKey: 'local' });
    try {
      const customerId = uniqueName('rotk');
      const secrets = values(customerId, 4);
      const oldStore = new CredentialStore(pool, awsKms);
      for (const s of secrets) await oldStore.set(s.ref, s.value);
      const oldKey = await awsKms.currentKeyId();
      await pool.query(
        // One bit of the last byte flipped: writing 'x' there changed nothing when the byte was 'x' already (1 run in 256).
        `UPDATE credentials SET ciphertext = CONCAT(LEFT(ciphertext, LENGTH(ciphertext) - 1), CHAR(ORD(RIGHT(ciphertext, 1)) ^ 1 USING binary)) WHERE customer_id = ? AND name = 'secret_3'`,
        [customerId],
      );

      const store = new CredentialStore(pool, newKms);
      const report = await store.rotate({ customerId });
      expect(report.rotated).toBe(3);
      expect(report.failed).toEqual([expect.objectContaining({ name: 'secret_3', error: expect.stringMatching(/does not decrypt/) })]);
      expect(JSON.stringify(report)).not.toContain('value-');
      const rows = await rowsOf(customerId);
      expect(rows.map((r) => r.keyId === created.KeyMetadata!.Arn)).toEqual([true, true, true, false]);
      expect(rows[3].keyId).toBe(oldKey);
      for (const s of secrets.slice(0, 3)) expect(await store.reveal(s.ref)).toBe(s.value);
    } finally {
      newKms.destroy();
    }
  });
});

test('dif credentials rotate --new-master-key: the CLI adds a master key and moves the secrets to it', async () => {
  const { buildProgram } = await import('../../cli/dif');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-keyring-')), 'keyring.json');
  const ring = new LocalKeyring(file);
  const store = new CredentialStore(pool, ring);
  const ref = { customerId: uniqueName('rotcli'), vendor: 'demo-ads', name: 'api_key' };
  await store.set(ref, 'cli-rotated-value');
  const before = await ring.currentKeyId();
  const saved = { mysql: process.env.DIF_MYSQL_URL, kms: process.env.DIF_KMS, ring: process.env.DIF_LOCAL_KEYRING };
  Object.assign(process.env, { DIF_MYSQL_URL: TEST_MYSQL_URL, DIF_KMS: 'local', DIF_LOCAL_KEYRING: file });
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'dif', 'credentials', 'rotate', '--customer', ref.customerId, '--new-master-key', '--json']);
  } finally {
    spy.mockRestore();
    for (const [name, value] of [['DIF_MYSQL_URL', saved.mysql], ['DIF_KMS', saved.kms], ['DIF_LOCAL_KEYRING', saved.ring]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const report = JSON.parse(lines.join(''));
  expect(report).toMatchObject({ rotated: 1, skipped: 0, failed: [] });
  expect(report.keyId).not.toBe(before);
  expect(await ring.currentKeyId()).toBe(report.keyId);
  expect((await store.list({ customerId: ref.customerId }))[0].keyId).toBe(report.keyId);
  expect(await store.reveal(ref)).toBe('cli-rotated-value');
  expect(lines.join('')).not.toContain('cli-rotated-value');
});
