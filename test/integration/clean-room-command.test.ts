/** `dif customers add --clean-room`, `dif customers clean-room`, `dif customers pii-key`: the marks prepareRun reads, and the key. */
import os from 'node:os';
import path from 'node:path';
import { dif } from '../setup/run-cli';
import { loadSettings } from '../../adapters/settings';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { revealPiiKey } from '../../adapters/mysql/pii-keys';
import { TEST_MYSQL_URL, uniqueName } from '../setup/test-settings';

let runtime: Runtime;
beforeAll(() => {
  process.env.DIF_MYSQL_URL = TEST_MYSQL_URL;
  process.env.DIF_KMS = 'local';
  process.env.DIF_LOCAL_KEYRING = path.join(os.tmpdir(), 'dif-test', 'clean-room-command', 'keyring.json');
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
