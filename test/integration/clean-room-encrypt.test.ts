/**
 * `protect: "encrypt"` through a real clean room: hubspot's contacts with two more columns,
 * the email and the last name encrypted. The clean-room worker (its own process, MySQL,
 * keyring and bucket) unwraps the customer's encryption key and encrypts; DIF loads cells
 * that decrypt with that key to the normalised values, while DIF's MySQL holds no key for
 * the customer and DIF's KMS cannot unwrap the customer's. Outside a clean room the same
 * config is refused by name before the vendor is called, and DIF's own toCsv refuses it
 * whatever the customer's mark says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { runIngestion } from '../../cli/run/run';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { CredentialStore } from '../../adapters/mysql/credentials';
import { ensurePiiEncryptionKey, ensurePiiKey, piiEncryptionKeyRef, revealPiiEncryptionKey } from '../../adapters/mysql/pii-keys';
import { MissingPiiKeyError } from '../../core/errors';
import { S3ObjectStore } from '../../adapters/object-store';
import { loadSettings, projectRoot, type Settings } from '../../adapters/settings';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { toCsvActivity } from '../../activities/to-csv';
import { configKey } from '../../core/run-plan';
import { PiiCipher } from '../../runtime/pii/encryption';
import { isEncryptedCell } from '../../core/pii';
import type { VendorConfig } from '../../core/config-schema';
import { FixtureServer } from '../mock-vendor/fixture-server';
import { historyText } from '../setup/history-text';
import { startHarness, type Harness } from '../setup/harness';
import { startCleanRoomWorker } from '../setup/clean-room-worker';
import { S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, uniqueName, TEST_SCRATCH } from '../setup/test-settings';
import { HUBSPOT_CONTACTS_SEARCH, hubspotContactsSearchRoutes } from '../setup/hubspot-search';

const TOKEN = 'pat-na1-clean-room-encrypt-SECRET';
const CLEAN_ROOM_MYSQL = process.env.DIF_TEST_CLEAN_ROOM_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/dif_test_clean_room';
const customerBucket = { bucket: 'dif-test-clean-room', region: 'us-east-1', endpoint: S3_ENDPOINT, accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY, forcePathStyle: true };
const scratch = path.join(TEST_SCRATCH, 'clean-room-encrypt');
const vendorsDir = path.join(scratch, 'vendors');
const TABLE = 'hubspot_contacts_encrypted';

let h: Harness;
let server: FixtureServer;
let room: Runtime;
let roomSettings: Settings;

/** hubspot, with its contacts' email and last name also kept encrypted, in a table of their own. */
function encryptingHubspot(): VendorConfig {
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', 'hubspot', 'config.json'), 'utf8')) as VendorConfig;
  const table = config.streams.contacts.table;
  table.name = TABLE;
  table.columns.push(
    { name: 'email_enc', type: 'string', source: 'record.properties.email', pii: { kind: 'email', protect: 'encrypt' } },
    { name: 'lastname_enc', type: 'string', source: 'record.properties.lastname', pii: { kind: 'name', protect: 'encrypt' } },
  );
  return config;
}

beforeAll(async () => {
  await migrateMysql(CLEAN_ROOM_MYSQL, path.join(projectRoot(), 'migrations', 'mysql'));
  const bucket = new S3ObjectStore(customerBucket);
  await bucket.ensureBucket();
  bucket.destroy();
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.cpSync(path.join(projectRoot(), 'vendors', 'hubspot'), path.join(vendorsDir, 'hubspot'), { recursive: true });
  fs.writeFileSync(path.join(vendorsDir, 'hubspot', 'config.json'), JSON.stringify(encryptingHubspot(), null, 2));
  h = await startHarness('clean-room-encrypt', { settings: { vendorsDir } });
  server = new FixtureServer(path.join(projectRoot(), 'vendors', 'hubspot', 'fixtures'));
  await server.start();
  server.route(
    ...hubspotContactsSearchRoutes(),
  );
  roomSettings = loadSettings({
    temporalAddress: h.settings.temporalAddress,
    redisUrl: h.settings.redisUrl,
    mysqlUrl: CLEAN_ROOM_MYSQL,
    kms: { kind: 'local', keyringFile: path.join(scratch, 'customer-keyring.json') },
    objectStore: { kind: 's3', ...customerBucket },
  });
  room = createRuntime(roomSettings);
});
afterAll(async () => {
  await server?.stop();
  await room?.close();
  await h?.shutdown();
});

async function ingest(customer: string, day: string) {
  const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
    vendor: 'hubspot',
    customer,
    window: { from: day, to: day },
    streams: ['contacts'],
    options: { semaphoreRetryMs: 100, maxAttempts: 2 },
  });
  return outcome;
}

function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).map((f) => path.join(root, f)).filter((f) => fs.statSync(f).isFile());
}

test('encrypt columns are encrypted in the clean room: the loaded cells decrypt with the customer’s key, and DIF holds nothing that decrypts them', async () => {
  const customer = uniqueName('enc');
  await h.runtime.deps.customers.upsertCustomer(customer, customer, { cleanRoom: true });
  await h.runtime.deps.customers.upsertCustomerVendor(customer, 'hubspot', {}, { baseUrl: server.url });
  await room.deps.credentials.set({ customerId: customer, vendor: 'hubspot', name: 'access_token' }, TOKEN);
  await ensurePiiKey(room.deps.credentials, customer);
  await ensurePiiEncryptionKey(room.deps.credentials, customer);
  const worker = await startCleanRoomWorker(customer, roomSettings, h.settings.objectStore);
  let outcome;
  try {
    outcome = await ingest(customer, '2024-04-01');
  } finally {
    await worker.stop();
  }
  expect(outcome.error).toBeUndefined();
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.rowsLoaded).toBe(3);

  const { rows } = await h.runtime.postgres.query(`SELECT id, email_enc, lastname_enc FROM dif_test.${TABLE} WHERE _dif_customer = $1 ORDER BY id`, [customer]);
  expect(rows.map((r) => r.id)).toEqual(['101', '102', '103']);
  expect(rows.every((r) => isEncryptedCell(r.email_enc) && isEncryptedCell(r.lastname_enc))).toBe(true);
  // The customer, with its own key from its own MySQL and KMS, reads them back (normalised).
  const cipher = new PiiCipher(await revealPiiEncryptionKey(room.deps.credentials, customer));
  expect(rows.map((r) => cipher.decrypt(r.email_enc).value)).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
  expect(cipher.decrypt(rows[0].lastname_enc)).toEqual({ kind: 'name', value: 'lovelace' });
  // Deterministic: the same cell as encrypting the value anew, so joins and dedup work.
  expect(rows[0].email_enc).toBe(cipher.encrypt('email', 'ada@example.com'));

  // DIF's MySQL holds no key of this customer, and DIF's KMS cannot unwrap the customer's.
  expect(await h.runtime.deps.credentials.list({ customerId: customer })).toEqual([]);
  await expect(revealPiiEncryptionKey(h.runtime.deps.credentials, customer)).rejects.toThrow(MissingPiiKeyError);
  await expect(new CredentialStore(room.mysql, h.runtime.kms).reveal(piiEncryptionKeyRef(customer))).rejects.toThrow();
  expect(await new CredentialStore(room.mysql, room.kms).reveal(piiEncryptionKeyRef(customer))).toBeTruthy(); // the row is there

  // And no raw value anywhere on DIF's side: its store, the warehouse, the run's history.
  const difObjects = filesUnder((h.settings.objectStore as { dir: string }).dir)
    .map((f) => (f.endsWith('.gz') ? gunzipSync(fs.readFileSync(f)) : fs.readFileSync(f)).toString('utf8'))
    .join('\n');
  expect(difObjects).toContain(rows[0].email_enc); // the scan sees the exported CSV
  const { rows: everything } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${TABLE} WHERE _dif_customer = $1`, [customer]);
  const history = await historyText(h.client.workflow.getHandle(outcome.workflowId, outcome.runId));
  for (const value of ['ada@example.com', 'alan@example.com', 'grace@example.com', 'Lovelace', 'lovelace', 'Turing', 'Hopper']) {
    expect({ value, store: difObjects.includes(value), warehouse: JSON.stringify(everything).includes(value), history: history.includes(value) }).toEqual({
      value,
      store: false,
      warehouse: false,
      history: false,
    });
  }
});

test('outside a clean room the same config fails as an InputError naming the column, before the vendor is called', async () => {
  const customer = uniqueName('plain');
  await h.runtime.deps.customers.upsertCustomer(customer, customer);
  await h.runtime.deps.customers.upsertCustomerVendor(customer, 'hubspot', {}, { baseUrl: server.url });
  await h.runtime.deps.credentials.set({ customerId: customer, vendor: 'hubspot', name: 'access_token' }, TOKEN);
  await ensurePiiKey(h.runtime.deps.credentials, customer);
  const calls = server.sent(HUBSPOT_CONTACTS_SEARCH).length;
  const outcome = await ingest(customer, '2024-04-02');
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(
    new RegExp(`\\$\\.streams\\.contacts\\.table\\.columns: column "email_enc" is pii protect "encrypt", whose key only the customer's clean room holds, and this run of customer "${customer}" is not in its clean room`),
  );
  expect(await historyText(h.client.workflow.getHandle(outcome.workflowId, outcome.runId))).toContain('InputError');
  expect(server.sent(HUBSPOT_CONTACTS_SEARCH).length).toBe(calls);
  expect((await h.runtime.deps.credentials.list({ customerId: customer })).map((c) => c.name).sort()).toEqual(['access_token', 'pii_key']);
});

test('DIF’s own toCsv refuses encrypt columns even for a clean-room customer, without looking for a key', async () => {
  const customer = uniqueName('room');
  const key = configKey('hubspot', `test-${customer}`);
  await h.runtime.deps.objectStore.put(key, JSON.stringify({ config: encryptingHubspot(), inputs: {} }));
  const permit = { key: `test:to-csv:${customer}`, limit: 1, holder: customer, leaseMs: 30_000 };
  expect((await h.runtime.deps.semaphores.acquire(permit)).acquired).toBe(true);
  const run = { vendor: 'hubspot', customer, stream: 'contacts', window: { from: '2024-04-03', to: '2024-04-03' }, runId: `run-${customer}`, configKey: key, extractedAt: '2024-04-04T00:00:00.000Z' };
  const reveal = jest.spyOn(h.runtime.deps.credentials, 'reveal');
  try {
    const failure = await toCsvActivity(h.runtime.deps)({ run, pageLists: [], permit }).then(
      () => undefined,
      (e: Error & { type?: string; nonRetryable?: boolean }) => e,
    );
    expect(failure?.type).toBe('InputError');
    expect(failure?.nonRetryable).toBe(true);
    expect(failure?.message).toMatch(/column "email_enc" is pii protect "encrypt"/);
    expect(reveal).not.toHaveBeenCalled();
  } finally {
    reveal.mockRestore();
  }
});
