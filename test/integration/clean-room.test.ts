/**
 * A clean-room run end to end: DIF's worker (this process) plans and loads; the customer's
 * worker (a separate process with its own MySQL, keyring and S3 bucket) fetches from the
 * vendor, keeps the raw responses, protects the PII columns and exports protected CSV into
 * DIF's store. DIF's worker has no setting that reaches the customer's bucket.
 *
 * Then the scan: no raw PII value (in any case, URL-encoded or base64) in DIF's object
 * store, the warehouse, the Temporal history (payloads decoded) or either worker's logs,
 * while the same values are found in the customer's store, so the scan can see them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runIngestion } from '../../cli/run/run';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { ensurePiiKey, revealPiiKey } from '../../adapters/mysql/pii-keys';
import { S3ObjectStore } from '../../adapters/object-store';
import { loadSettings, projectRoot, type Settings } from '../../adapters/settings';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { cleanRoomTaskQueue } from '../../core/clean-room';
import { FixtureServer } from '../mock-vendor/fixture-server';
import { historyText as readHistoryText } from '../setup/history-text';
import { startHarness, type Harness } from '../setup/harness';
import { startCleanRoomWorker, type CleanRoomProcess } from '../setup/clean-room-worker';
import { startWorkerProcess } from '../child/worker-process';
import { fileServers, userFolder } from '../setup/file-drops';
import type mysql from 'mysql2/promise';
import { S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, testSettings, uniqueName, TEST_SCRATCH } from '../setup/test-settings';
import { failureChain } from '../setup/failures';
import { HUBSPOT_CONTACTS_SEARCH, hubspotContactsSearchRoutes } from '../setup/hubspot-search';

const TOKEN = 'pat-na1-clean-room-SECRET';
const RAW_PII = ['ada@example.com', 'alan@example.com', 'grace@example.com', 'Lovelace', 'Turing', 'Hopper'];
// The customer's own MySQL; a variable so parallel checkouts can each have theirs.
const CLEAN_ROOM_MYSQL = process.env.DIF_TEST_CLEAN_ROOM_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/dif_test_clean_room';
const customerBucket = { bucket: 'dif-test-clean-room', region: 'us-east-1', endpoint: S3_ENDPOINT, accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY, forcePathStyle: true };

let h: Harness;
let server: FixtureServer;
let room: Runtime;
let roomSettings: Settings;
let worker: CleanRoomProcess | undefined;

beforeAll(async () => {
  await migrateMysql(CLEAN_ROOM_MYSQL, path.join(projectRoot(), 'migrations', 'mysql'));
  const bucket = new S3ObjectStore(customerBucket);
  await bucket.ensureBucket();
  bucket.destroy();
  // The scan reads DIF's whole store: start it empty, so an earlier run's objects cannot mislead it.
  fs.rmSync((testSettings('clean-room').objectStore as { dir: string }).dir, { recursive: true, force: true });
  h = await startHarness('clean-room');
  server = new FixtureServer(path.join(projectRoot(), 'vendors', 'hubspot', 'fixtures'));
  await server.start();
  server.route(
    ...hubspotContactsSearchRoutes(),
  );
  roomSettings = loadSettings({
    temporalAddress: h.settings.temporalAddress,
    redisUrl: h.settings.redisUrl,
    mysqlUrl: CLEAN_ROOM_MYSQL,
    kms: { kind: 'local', keyringFile: path.join(TEST_SCRATCH, 'clean-room-customer', 'keyring.json') },
    objectStore: { kind: 's3', ...customerBucket },
  });
  room = createRuntime(roomSettings);
});
afterAll(async () => {
  await worker?.stop();
  await server?.stop();
  await room?.close();
  await h?.shutdown();
});

/** A clean-room customer: known to DIF (inputs, the mark), its secrets and PII key only in its own MySQL. */
async function cleanRoomCustomer(): Promise<string> {
  const customer = uniqueName('room');
  await h.runtime.deps.customers.upsertCustomer(customer, customer, { cleanRoom: true });
  await h.runtime.deps.customers.upsertCustomerVendor(customer, 'hubspot', {}, { baseUrl: server.url });
  await room.deps.credentials.set({ customerId: customer, vendor: 'hubspot', name: 'access_token' }, TOKEN);
  await ensurePiiKey(room.deps.credentials, customer);
  return customer;
}

async function ingest(vendor: string, customer: string, day: string, maxAttempts: number, settings = h.settings) {
  const [outcome] = await runIngestion(h.client, settings, h.runtime.deps.vendorConfigs, {
    vendor,
    customer,
    window: { from: day, to: day },
    streams: vendor === 'hubspot' ? ['contacts'] : undefined,
    options: { semaphoreRetryMs: 100, maxAttempts },
  });
  return outcome;
}

function forms(value: string): string[] {
  return [value, value.toLowerCase(), encodeURIComponent(value), Buffer.from(value).toString('base64')];
}

function filesUnder(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).map((f) => path.join(root, f)).filter((f) => fs.statSync(f).isFile());
}

test('fetch and preprocess run in the clean room; only protected CSV reaches DIF, and no raw PII anywhere on DIF’s side', async () => {
  const customer = await cleanRoomCustomer();
  worker = await startCleanRoomWorker(customer, roomSettings, h.settings.objectStore);
  // DIF's side in its own process too, on its own queue, so everything it logs can be scanned.
  const difSettings = { ...h.settings, taskQueue: `${h.settings.taskQueue}-scan` };
  const difWorker = await startWorkerProcess(difSettings, path.join(os.tmpdir(), `${customer}-dif-worker.log`));

  const outcome = await ingest('hubspot', customer, '2024-03-01', 3, difSettings).finally(() => difWorker.kill('SIGTERM'));
  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.rowsLoaded).toBe(3);
  const summary = outcome.summary!;

  // The vendor was called with the customer's token, which DIF's MySQL does not hold.
  expect(server.sent(HUBSPOT_CONTACTS_SEARCH).every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(await h.runtime.deps.credentials.list({ customerId: customer })).toEqual([]);

  // Raw responses are in the customer's bucket, not in DIF's store, which DIF's worker
  // reaches only as a local folder: it has no S3 setting at all.
  expect(h.settings.objectStore.kind).toBe('local');
  expect(await room.deps.objectStore.exists(summary.rawLists.key)).toBe(true);
  expect(await h.runtime.deps.objectStore.exists(summary.rawLists.key)).toBe(false);
  const rawKeys = await room.deps.objectStore.list(`raw/hubspot/${customer}/`);
  const rawText = (await Promise.all(rawKeys.map((k) => room.deps.objectStore.getText(k)))).join('\n');
  for (const value of RAW_PII) expect(rawText).toContain(value); // the scan below would see them

  // The protected CSV crossed, and only it: parts, summary and manifest, no rejects.
  const difKeys = await h.runtime.deps.objectStore.list(`csv/hubspot/${customer}/`);
  expect(difKeys.length).toBeGreaterThan(0);
  expect(difKeys.every((k) => /\/(part-\d{6}\.csv\.gz|summary\.json|manifest\.json)$/.test(k))).toBe(true);
  expect(await h.runtime.deps.objectStore.list(`raw/hubspot/${customer}/`)).toEqual([]);

  // Pseudonyms are HMAC-SHA-256 under the customer's key (kept in its own MySQL), so they join.
  const key = await revealPiiKey(room.deps.credentials, customer);
  const { rows } = await h.runtime.postgres.query('SELECT * FROM dif_test.hubspot_contacts WHERE _dif_customer = $1 ORDER BY id', [customer]);
  expect(rows.map((r) => r.id)).toEqual(['101', '102', '103']);
  expect(rows[0].email).toBe(createHmac('sha256', key).update('email:ada@example.com').digest('hex'));
  expect(rows[0].lastname).toBe(createHmac('sha256', key).update('name:lovelace').digest('hex'));

  const described = await h.client.workflow.getHandle(summary.workflowId, summary.runId).describe();
  expect(String((await described.memo)?.summary)).toMatch(/4 records, 3 rows loaded .*in the clean room \(dif-clean-room-/); // contact 101 twice, across the search's restart

  // The scan.
  await worker.stop();
  const historyText = await readHistoryText(h.client.workflow.getHandle(summary.workflowId, summary.runId));
  expect(historyText).toContain(cleanRoomTaskQueue(customer)); // the clean-room activities are in it
  const difObjects = filesUnder((h.settings.objectStore as { dir: string }).dir)
    .map((f) => (f.endsWith('.gz') ? gunzipSync(fs.readFileSync(f)) : fs.readFileSync(f)).toString('utf8'))
    .join('\n');
  expect(difObjects).toContain(customer);
  const { rows: everything } = await h.runtime.postgres.query('SELECT * FROM dif_test.hubspot_contacts WHERE _dif_customer = $1', [customer]);
  const warehouse = JSON.stringify(everything);
  const logs = worker.output();
  const difLogs = difWorker.logs() + difWorker.output();
  expect(logs).toContain('polling task queue');
  expect(difLogs).toContain(customer); // DIF's worker logged this run (at DEBUG: its activities and workflow tasks)
  for (const value of RAW_PII.concat(TOKEN)) {
    for (const form of forms(value)) {
      expect({ where: 'history', form, found: historyText.includes(form) }).toEqual({ where: 'history', form, found: false });
      expect({ where: 'DIF object store', form, found: difObjects.includes(form) }).toEqual({ where: 'DIF object store', form, found: false });
      expect({ where: 'warehouse', form, found: warehouse.includes(form) }).toEqual({ where: 'warehouse', form, found: false });
      expect({ where: 'clean-room worker log', form, found: logs.includes(form) }).toEqual({ where: 'clean-room worker log', form, found: false });
      expect({ where: 'DIF worker log', form, found: difLogs.includes(form) }).toEqual({ where: 'DIF worker log', form, found: false });
    }
  }
});

test('without its clean-room worker, a clean-room run waits on the customer’s queue: DIF’s worker never fetches it', async () => {
  const customer = await cleanRoomCustomer();
  const before = server.sent(HUBSPOT_CONTACTS_SEARCH).length;
  const window = { from: '2024-03-02', to: '2024-03-02' };
  const handle = await h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: `${customer}-waits`,
    args: [{ vendor: 'hubspot', customer, stream: 'contacts', window, options: { semaphoreRetryMs: 100 } }],
  });
  const deadline = Date.now() + 15_000;
  let pending: { activityType?: { name?: string | null } | null }[] = [];
  while (Date.now() < deadline) {
    pending = ((await handle.describe()).raw.pendingActivities ?? []) as typeof pending;
    if (pending.some((a) => a.activityType?.name === 'fetchPages')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(pending.map((a) => a.activityType?.name)).toContain('fetchPages');
  await new Promise((r) => setTimeout(r, 1500));
  expect(server.sent(HUBSPOT_CONTACTS_SEARCH).length).toBe(before);
  // Cancelling a run whose activity no worker has started is immediate, and its permit goes back.
  await handle.cancel();
  // Cancelled, not failed for another reason: the run ends as cancelled.
  expect((await failureChain(handle.result())).slice(0, 2)).toEqual([
    { name: 'WorkflowFailedError', message: 'Workflow execution cancelled' },
    { name: 'CancelledFailure', message: expect.any(String) },
  ]);
});

test('a failure in the clean room reaches DIF with its personal data withheld; the customer’s log keeps it whole', async () => {
  const broken = new FixtureServer(path.join(projectRoot(), 'vendors', 'hubspot', 'fixtures'));
  await broken.start();
  broken.route({ method: 'POST', path: HUBSPOT_CONTACTS_SEARCH, body: 'Grace Hopper <grace@example.com>, +1 212 555 0199' });
  try {
    const customer = await cleanRoomCustomer();
    await h.runtime.deps.customers.upsertCustomerVendor(customer, 'hubspot', {}, { baseUrl: broken.url });
    const roomWorker = await startCleanRoomWorker(customer, roomSettings, h.settings.objectStore);
    try {
      const outcome = await ingest('hubspot', customer, '2024-03-03', 2);
      expect(outcome.status).toBe('FAILED');
      expect(outcome.error).toMatch(/not valid JSON/);
      const history = await readHistoryText(h.client.workflow.getHandle(outcome.workflowId));
      await roomWorker.stop();
      // V8 quotes the first characters of what failed to parse: "Grace Hopp"...
      for (const value of ['Grace Hopp', 'grace@example.com', '212 555 0199']) {
        expect({ in: 'error', value, found: outcome.error!.includes(value) }).toEqual({ in: 'error', value, found: false });
        expect({ in: 'history', value, found: history.includes(value) }).toEqual({ in: 'history', value, found: false });
      }
      expect(roomWorker.output()).toContain('"Grace Hopp"'); // the customer's own log has the whole message
    } finally {
      await roomWorker.stop();
    }
  } finally {
    await broken.stop();
  }
});

test('a clean-room worker whose own store is DIF’s refuses to start', async () => {
  const misconfigured = { ...roomSettings, objectStore: h.settings.objectStore };
  await expect(startCleanRoomWorker(uniqueName('room'), misconfigured, h.settings.objectStore)).rejects.toThrow(/raw data would leave the clean room/);
});

test('a files step (SFTP) runs in the clean room too: the file manifest and the raw file stay there, the email arrives pseudonymised', async () => {
  const servers = fileServers();
  const folder = userFolder(servers, `outbound/${uniqueName('room')}`);
  folder.write('orders_20240901.csv.gz', gzipSync(fs.readFileSync(path.join(projectRoot(), 'vendors', 'sftp-daily-orders', 'fixtures', 'orders_20240901.csv'))));
  const customer = uniqueName('room');
  await h.runtime.deps.customers.upsertCustomer(customer, customer, { cleanRoom: true });
  await h.runtime.deps.customers.upsertCustomerVendor(customer, 'sftp-daily-orders', { sftp_host: '127.0.0.1', sftp_port: servers.sftpPort, folder: folder.remote });
  await room.deps.credentials.set({ customerId: customer, vendor: 'sftp-daily-orders', name: 'sftp_user' }, servers.user);
  await room.deps.credentials.set({ customerId: customer, vendor: 'sftp-daily-orders', name: 'sftp_private_key' }, servers.clientKey);
  await ensurePiiKey(room.deps.credentials, customer);
  const roomWorker = await startCleanRoomWorker(customer, roomSettings, h.settings.objectStore);
  try {
    const outcome = await ingest('sftp-daily-orders', customer, '2024-09-01', 2);
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.rowsLoaded).toBe(3);
  } finally {
    await roomWorker.stop();
  }
  const { rows } = await h.runtime.postgres.query('SELECT order_id, customer_email FROM dif_test.sftp_daily_orders WHERE _dif_customer = $1 ORDER BY order_id', [customer]);
  const key = await revealPiiKey(room.deps.credentials, customer);
  expect(rows[0]).toEqual({ order_id: 'SO-50001', customer_email: createHmac('sha256', key).update('email:ana@example.com').digest('hex') });
  const taken = async (runtime: Runtime) =>
    (await runtime.mysql.query<mysql.RowDataPacket[]>('SELECT path FROM file_manifest WHERE customer_id = ?', [customer]))[0].map((r) => r.path);
  expect(await taken(room)).toEqual([`${folder.remote}/orders_20240901.csv.gz`]);
  expect(await taken(h.runtime)).toEqual([]);
  expect((await room.deps.objectStore.list(`raw/sftp-daily-orders/${customer}/`)).some((k) => k.includes('orders_20240901'))).toBe(true);
  expect(await h.runtime.deps.objectStore.list(`raw/sftp-daily-orders/${customer}/`)).toEqual([]);
});
