/**
 * The clean room's one crossing, exportCsv, on its own: it copies protected parts into
 * DIF's store with a manifest pointing there, leaves rejects behind, and refuses a part
 * whose pii column holds anything but a protected value, copying nothing and quoting
 * nothing of the offending cell.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { PiiCipher } from '../../runtime/pii/encryption';
import { gzipSync } from 'node:zlib';
import { exportCsvActivity } from '../../activities/export-csv';
import { LocalObjectStore, type ObjectStore } from '../../adapters/object-store';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { configKey, runPrefix } from '../../core/run-plan';
import { outputKeys, manifestOf } from '../../core/output-plan';
import type { RunContext } from '../../core/contracts';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { projectRoot } from '../../adapters/settings';
import { testSettings, uniqueName, TEST_SCRATCH } from '../setup/test-settings';

let runtime: Runtime;
let customerStore: ObjectStore;
let difStore: ObjectStore;
const scratch = path.join(TEST_SCRATCH, 'clean-room-export');

beforeAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
  runtime = createRuntime(testSettings('clean-room-export'));
  customerStore = new LocalObjectStore(path.join(scratch, 'customer'));
  difStore = new LocalObjectStore(path.join(scratch, 'dif'));
  Object.assign(runtime.deps, { objectStore: customerStore, difStore, configStore: difStore });
});
afterAll(() => runtime?.close());

const HEADER = 'id,email,email_sha256,firstname,lastname,lifecyclestage,created_at,updated_at,archived,_dif_customer,_dif_run_id,_dif_extracted_at';
const HEX = 'a'.repeat(64);

async function stage(cells: string, encryptColumn?: string): Promise<{ run: RunContext; csvKey: string; permit: { key: string; limit: number; holder: string; leaseMs: number } }> {
  const customer = uniqueName('export');
  const config = new VendorConfigs(path.join(projectRoot(), 'vendors')).load('hubspot');
  const encrypted = config.streams.contacts.table.columns.find((c) => c.name === encryptColumn);
  if (encrypted) encrypted.pii = { kind: encrypted.pii!.kind, protect: 'encrypt' };
  const key = configKey('hubspot', `test-${customer}`);
  await difStore.put(key, JSON.stringify({ config, inputs: {} }));
  const run: RunContext = {
    vendor: 'hubspot',
    customer,
    stream: 'contacts',
    window: { from: '2024-03-01', to: '2024-03-01' },
    runId: `run-${customer}`,
    configKey: key,
    extractedAt: '2024-03-02T00:00:00.000Z',
  };
  const keys = outputKeys(runPrefix('csv', run, run.runId));
  await customerStore.put(keys.part(1), gzipSync(`${HEADER}\n${cells}\n`));
  await customerStore.put(keys.rejects, gzipSync('file,number,reason,record\n'));
  await customerStore.put(keys.summary, JSON.stringify({ records: 1, rows: 1, rejected: 1, files: 1, parts: [{ key: keys.part(1), rows: 1, bytes: 1 }], rejectsKey: keys.rejects }));
  await customerStore.put(keys.manifest, JSON.stringify(manifestOf(customerStore.location, [keys.part(1)])));
  const permit = { key: `test:export:${customer}`, limit: 1, holder: customer, leaseMs: 30_000 };
  expect((await runtime.deps.semaphores.acquire(permit)).acquired).toBe(true);
  return { run, csvKey: keys.manifest, permit };
}

test('protected parts cross with a manifest in DIF’s store; rejects stay', async () => {
  const input = await stage(`101,${HEX},${HEX},${HEX},,customer,2024-01-05T10:00:00.000Z,2024-03-01T09:00:00.000Z,false,c,r,2024-03-02T00:00:00.000Z`);
  const result = await exportCsvActivity(runtime.deps)(input);
  expect(result).toMatchObject({ csvKey: input.csvKey, records: 1, rows: 1, parts: 1 });
  const manifest = JSON.parse(await difStore.getText(input.csvKey));
  expect(manifest.entries[0].url.startsWith(`${difStore.location}/csv/`)).toBe(true);
  const summary = JSON.parse(await difStore.getText(input.csvKey.replace('manifest.json', 'summary.json')));
  expect(summary.rejectsKey).toBeUndefined();
  expect(await difStore.exists(input.csvKey.replace('manifest.json', 'rejects.csv.gz'))).toBe(false);
});

test('a raw value in a pii column stops the export: nothing copied, the value not quoted', async () => {
  const input = await stage(`101,dana@example.com,${HEX},${HEX},${HEX},lead,2024-01-05T10:00:00.000Z,2024-03-01T09:00:00.000Z,false,c,r,2024-03-02T00:00:00.000Z`);
  const failure = await exportCsvActivity(runtime.deps)(input).then(
    () => undefined,
    (e: Error & { type?: string }) => e,
  );
  expect(failure?.type).toBe('DataError');
  expect(failure?.message).toMatch(/part-000001\.csv\.gz line 2, column "email": not a protected value/);
  expect(failure?.message).not.toContain('dana');
  expect(await difStore.list(`csv/hubspot/${input.run.customer}/`)).toEqual([]);
});

test('a large part is checked as it streams: copied byte for byte when clean, refused by a raw value in its last line', async () => {
  const row = (i: number, email: string) => `${i},${email},${HEX},${HEX},${HEX},lead,2024-01-05T10:00:00.000Z,2024-03-01T09:00:00.000Z,false,c,r,2024-03-02T00:00:00.000Z`;
  const rows = Array.from({ length: 50_000 }, (_, i) => row(i, createHash('sha256').update(String(i)).digest('hex')));
  const clean = await stage(rows.join('\n'));
  await exportCsvActivity(runtime.deps)(clean);
  const part = JSON.parse(await difStore.getText(clean.csvKey)).entries[0].url.slice(difStore.location.length + 1);
  const bytes = async (store: ObjectStore) => Buffer.concat(await (await store.getStream(part)).toArray());
  expect((await bytes(difStore)).equals(await bytes(customerStore))).toBe(true);

  const dirty = await stage([...rows, row(50_000, 'erin@example.com')].join('\n'));
  const failure = await exportCsvActivity(runtime.deps)(dirty).then(() => undefined, (e: Error & { type?: string }) => e);
  expect(failure?.type).toBe('DataError');
  expect(failure?.message).toMatch(/line 50002, column "email": not a protected value/);
  expect(await difStore.list(`csv/hubspot/${dirty.run.customer}/`)).toEqual([]);
});

test('an encrypt column takes exactly its enc:v1: cells: a hash, a raw value or a mangled cell there stops the export', async () => {
  const cell = new PiiCipher(Buffer.alloc(32, 3)).encrypt('email', 'dana@example.com');
  const row = (email: string, encrypted: string) => `101,${email},${encrypted},${HEX},${HEX},lead,2024-01-05T10:00:00.000Z,2024-03-01T09:00:00.000Z,false,c,r,2024-03-02T00:00:00.000Z`;
  const clean = await stage([row(HEX, cell), row(HEX, '')].join('\n'), 'email_sha256');
  await exportCsvActivity(runtime.deps)(clean);
  expect(await difStore.exists(clean.csvKey)).toBe(true);

  const refused = async (cells: string, column: string, why: RegExp) => {
    const input = await stage(cells, 'email_sha256');
    const failure = await exportCsvActivity(runtime.deps)(input).then(() => undefined, (e: Error & { type?: string }) => e);
    expect(failure?.type).toBe('DataError');
    expect(failure?.message).toMatch(new RegExp(`line 2, column "${column}": not a protected value \\(${why.source}\\)`));
    expect(failure?.message).not.toMatch(/dana|enc:v1:[A-Za-z0-9_-]/);
    expect(await difStore.list(`csv/hubspot/${input.run.customer}/`)).toEqual([]);
  };
  await refused(row(HEX, 'dana@example.com'), 'email_sha256', /encrypt: enc:v1: and base64url/);
  await refused(row(HEX, HEX), 'email_sha256', /encrypt: enc:v1: and base64url/);
  await refused(row(HEX, `${cell}=`), 'email_sha256', /encrypt: enc:v1: and base64url/);
  await refused(row(HEX, `enc:v1:${Buffer.from('dana@example.com').toString('base64url')}`), 'email_sha256', /encrypt: enc:v1: and base64url/);
  // A ciphertext where a pseudonym belongs is refused too: each column takes its own shape.
  await refused(row(cell, cell), 'email', /pseudonym: 64 hex characters/);
});
