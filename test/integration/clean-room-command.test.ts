/**
 * `dif customers add --clean-room`, `dif customers clean-room`, `dif customers pii-key`: the marks prepareRun reads, and the key.
 * `dif customers pii-encryption-key` and `pii-decrypt`: the customer's side of encrypt columns, only inside its clean room.
 */
import path from 'node:path';
import { dif } from '../setup/run-cli';
import { loadSettings } from '../../adapters/settings';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { revealPiiEncryptionKey, revealPiiKey } from '../../adapters/mysql/pii-keys';
import { InputError } from '../../core/run-plan';
import { PiiCipher } from '../../runtime/pii/encryption';
import { TEST_MYSQL_URL, uniqueName, TEST_SCRATCH } from '../setup/test-settings';

let runtime: Runtime;
beforeAll(() => {
  process.env.DIF_MYSQL_URL = TEST_MYSQL_URL;
  process.env.DIF_KMS = 'local';
  process.env.DIF_LOCAL_KEYRING = path.join(TEST_SCRATCH, 'clean-room-command', 'keyring.json');
  runtime = createRuntime(loadSettings());
});
afterAll(() => runtime?.close());

const cleanRoomOf = async (customer: string, vendor: string) => (await runtime.deps.customers.findCustomerVendor(customer, vendor))?.cleanRoom;

test('a customer marked clean-room, one vendor excepted, then following the customer again', async () => {
  const customer = uniqueName('mark');
  await dif('customers', 'add', customer, '--name', 'Acme', '--clean-room');
  await dif('customers', 'set-vendor', customer, 'hubspot', '--inputs', '{}');
  await dif('customers', 'set-vendor', customer, 'demo-ads', '--inputs', '{"account_id":"act_1"}');
  expect(await cleanRoomOf(customer, 'hubspot')).toBe(true);
  await dif('customers', 'clean-room', customer, 'off', '--vendor', 'demo-ads');
  expect(await cleanRoomOf(customer, 'demo-ads')).toBe(false);
  expect(await cleanRoomOf(customer, 'hubspot')).toBe(true);
  // Renaming the customer keeps its mark.
  await dif('customers', 'add', customer, '--name', 'Acme Inc');
  expect(await cleanRoomOf(customer, 'hubspot')).toBe(true);
  await dif('customers', 'clean-room', customer, 'off');
  expect(await cleanRoomOf(customer, 'hubspot')).toBe(false);
  await dif('customers', 'clean-room', customer, 'on');
  await dif('customers', 'clean-room', customer, 'inherit', '--vendor', 'demo-ads');
  expect(await cleanRoomOf(customer, 'demo-ads')).toBe(true);
  await expect(dif('customers', 'clean-room', customer, 'on', '--vendor', 'shopify')).rejects.toThrow(/has no vendor "shopify"/);
  await expect(dif('customers', 'clean-room', uniqueName('nobody'), 'on')).rejects.toThrow(/no customer/);
});

test('pii-key creates a 256-bit key once and never replaces it', async () => {
  const customer = uniqueName('key');
  await expect(revealPiiKey(runtime.deps.credentials, customer)).rejects.toThrow(`create it with: dif customers pii-key ${customer}`);
  expect(await dif('customers', 'pii-key', customer)).toBe(`created the PII key of ${customer}`);
  const key = await revealPiiKey(runtime.deps.credentials, customer);
  expect(key).toHaveLength(32);
  expect(await dif('customers', 'pii-key', customer)).toMatch(/already has a PII key; kept it/);
  expect(await revealPiiKey(runtime.deps.credentials, customer)).toEqual(key);
});

test('pii-encryption-key and pii-decrypt run only in the customer’s clean room; the key is made once and decrypts what was encrypted under it', async () => {
  const customer = uniqueName('enc');
  const other = uniqueName('enc');
  const outside = await dif('customers', 'pii-encryption-key', customer).then(() => undefined, (e: Error) => e);
  expect(outside).toBeInstanceOf(InputError); // exit code 2
  expect(outside?.message).toMatch(`runs only inside the clean room of customer "${customer}", against its own MySQL and KMS: set DIF_CLEAN_ROOM_CUSTOMER=${customer}`);
  expect(await runtime.deps.credentials.list({ customerId: customer })).toEqual([]);
  try {
    process.env.DIF_CLEAN_ROOM_CUSTOMER = other; // another customer's room is not this one's
    await expect(dif('customers', 'pii-encryption-key', customer)).rejects.toThrow(InputError);
    process.env.DIF_CLEAN_ROOM_CUSTOMER = customer;
    await expect(dif('customers', 'pii-decrypt', customer, 'enc:v1:AAAA')).rejects.toThrow(`create it in its clean room (against its own MySQL and KMS) with: dif customers pii-encryption-key ${customer}`);
    expect(await dif('customers', 'pii-encryption-key', customer)).toBe(`created the PII encryption key of ${customer}`);
    const key = await revealPiiEncryptionKey(runtime.deps.credentials, customer);
    expect(key).toHaveLength(32);
    expect(await dif('customers', 'pii-encryption-key', customer)).toBe(`${customer} already has a PII encryption key; kept it`);
    expect(await revealPiiEncryptionKey(runtime.deps.credentials, customer)).toEqual(key);
    // Separate from the pseudonym key: creating one does not create the other.
    await expect(revealPiiKey(runtime.deps.credentials, customer)).rejects.toThrow(/has no PII key/);

    // Re-identification: cells as loaded, back to their normalised values, one a line.
    const cipher = new PiiCipher(key);
    const email = cipher.encrypt('email', 'ada@example.com');
    const phone = cipher.encrypt('phone', '+442079460958');
    const output = await dif('customers', 'pii-decrypt', customer, email, phone);
    expect(output).toBe('ada@example.com\n+442079460958');
    expect(await dif('customers', 'pii-decrypt', customer, '--kind', 'email', email)).toBe('ada@example.com');
    await expect(dif('customers', 'pii-decrypt', customer, '--kind', 'name', email)).rejects.toThrow(/cell 1: the cell does not decrypt under this customer's key as name/);
    const bytes = Buffer.from(email.slice('enc:v1:'.length), 'base64url');
    bytes[20] ^= 1;
    const tampered = `enc:v1:${bytes.toString('base64url')}`;
    const failure = await dif('customers', 'pii-decrypt', customer, phone, tampered).then(() => undefined, (e: Error) => e);
    expect(failure).toBeInstanceOf(InputError);
    expect(failure?.message).toMatch(/^cell 2: the cell does not decrypt under this customer's key: it was altered/);
    expect(failure?.message).not.toContain(tampered.slice(7));
    // Another customer's cell does not decrypt under this key.
    const foreign = new PiiCipher(Buffer.alloc(32, 1)).encrypt('email', 'ada@example.com');
    await expect(dif('customers', 'pii-decrypt', customer, foreign)).rejects.toThrow(/does not decrypt under this customer's key/);
  } finally {
    delete process.env.DIF_CLEAN_ROOM_CUSTOMER;
  }
});
