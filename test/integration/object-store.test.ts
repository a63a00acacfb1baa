/** The object store contract, against a local folder and against a real S3 server (versitygw). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalObjectStore, ObjectNotFoundError, S3ObjectStore, type ObjectStore } from '../../adapters/object-store';
import { S3_ACCESS_KEY, S3_ENDPOINT, S3_SECRET_KEY, uniqueName } from '../setup/test-settings';

const s3 = new S3ObjectStore({
  bucket: 'dif-test',
  region: 'us-east-1',
  endpoint: S3_ENDPOINT,
  accessKeyId: S3_ACCESS_KEY,
  secretAccessKey: S3_SECRET_KEY,
  forcePathStyle: true,
});
const local = new LocalObjectStore(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-objects-')));

beforeAll(() => s3.ensureBucket());
afterAll(() => s3.destroy());

describe.each([
  ['local folder', local as ObjectStore],
  ['S3 (versitygw)', s3 as ObjectStore],
])('%s', (_name, store) => {
  const prefix = uniqueName('t');

  test('puts and gets text, buffers and streams', async () => {
    await store.put(`${prefix}/a.json`, '{"a":1}', 'application/json');
    await store.put(`${prefix}/b.bin`, Buffer.from([1, 2, 3]));
    // A multi-megabyte stream of unknown length, as a vendor response arrives.
    const chunk = 'x'.repeat(64 * 1024);
    const { bytes } = await store.put(`${prefix}/c.txt`, Readable.from((function* () { for (let i = 0; i < 100; i++) yield chunk; })()));
    expect(bytes).toBe(100 * chunk.length);
    expect(await store.getText(`${prefix}/a.json`)).toBe('{"a":1}');
    const chunks: Buffer[] = [];
    for await (const c of await store.getStream(`${prefix}/c.txt`)) chunks.push(Buffer.from(c));
    expect(Buffer.concat(chunks).length).toBe(100 * chunk.length);
  });

  test('text and buffers: bytes counted as stored, a new folder made on the way, nothing partial left', async () => {
    const text = 'é€😀"'; // 2 + 3 + 4 + 1 bytes in UTF-8
    expect(await store.put(`${prefix}/new/deeper/t.json`, text)).toEqual({ bytes: 10 });
    expect(await store.put(`${prefix}/new/deeper/b.bin`, Buffer.from([1, 2, 3, 4]))).toEqual({ bytes: 4 });
    expect(await store.put(`${prefix}/new/deeper/t.json`, `${text}!`)).toEqual({ bytes: 11 });
    expect(await store.getText(`${prefix}/new/deeper/t.json`)).toBe(`${text}!`);
    expect(await store.list(`${prefix}/new/`)).toEqual([`${prefix}/new/deeper/b.bin`, `${prefix}/new/deeper/t.json`]);
    if (store === local) expect(fs.readdirSync(path.join(new URL(local.location).pathname, prefix, 'new', 'deeper')).sort()).toEqual(['b.bin', 't.json']);
  });

  test('lists by prefix, sorted; exists; overwrites in place', async () => {
    await store.put(`${prefix}/list/2.txt`, 'two');
    await store.put(`${prefix}/list/1.txt`, 'one');
    await store.put(`${prefix}/list/1.txt`, 'one again');
    expect(await store.list(`${prefix}/list/`)).toEqual([`${prefix}/list/1.txt`, `${prefix}/list/2.txt`]);
    expect(await store.getText(`${prefix}/list/1.txt`)).toBe('one again');
    expect(await store.exists(`${prefix}/list/2.txt`)).toBe(true);
    expect(await store.exists(`${prefix}/list/3.txt`)).toBe(false);
  });

  test('a missing object is named in the error', async () => {
    await expect(store.getText(`${prefix}/nope.json`)).rejects.toThrow(ObjectNotFoundError);
    await expect(store.getText(`${prefix}/nope.json`)).rejects.toThrow(`${prefix}/nope.json`);
  });

  test('a failing source stream leaves no object behind', async () => {
    const failing = Readable.from(
      (async function* () {
        yield 'partial';
        throw new Error('source broke');
      })(),
    );
    await expect(store.put(`${prefix}/broken.txt`, failing)).rejects.toThrow('source broke');
    expect(await store.exists(`${prefix}/broken.txt`)).toBe(false);
  });

  test('keys that escape the store are refused', async () => {
    await expect(store.put('../outside.txt', 'x')).rejects.toThrow(/invalid object key/);
    await expect(store.put('/abs.txt', 'x')).rejects.toThrow(/invalid object key/);
  });
});
