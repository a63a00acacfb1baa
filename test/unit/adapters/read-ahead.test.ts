/** Reading a known sequence of objects ahead of their reader: same bytes, same order, same failures, bounded memory. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalObjectStore, ObjectNotFoundError, type ObjectStore } from '../../../adapters/object-store';
import { ReadAheadStore } from '../../../adapters/object-store/read-ahead';

let dir: string;
let local: LocalObjectStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-read-ahead-'));
  local = new LocalObjectStore(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** A store of generated objects that counts what was opened, produced from the source and destroyed. */
function generated(sizes: Record<string, number>, chunk = 16 * 1024) {
  const seen = { opened: [] as string[], produced: 0, destroyed: [] as string[] };
  const store: ObjectStore = {
    location: 'test://generated',
    put: () => Promise.reject(new Error('read only')),
    getText: () => Promise.reject(new Error('not used')),
    exists: () => Promise.resolve(true),
    list: () => Promise.resolve([]),
    async getStream(key) {
      if (!(key in sizes)) throw new ObjectNotFoundError('test://generated', key);
      seen.opened.push(key);
      let left = sizes[key];
      const stream = new Readable({
        highWaterMark: chunk,
        read() {
          if (left <= 0) return void this.push(null);
          const n = Math.min(chunk, left);
          left -= n;
          seen.produced += n;
          this.push(Buffer.alloc(n, key.charCodeAt(0)));
        },
      });
      stream.on('close', () => {
        if (left > 0) seen.destroyed.push(key);
      });
      return stream;
    },
  };
  return { store, seen };
}

test('many small objects come out whole and in order, at most `objects` opened ahead', async () => {
  const keys = Array.from({ length: 200 }, (_, i) => `raw/item-${i}/page-1.json`);
  for (const [i, key] of keys.entries()) await local.put(key, JSON.stringify({ items: [{ id: i }] }));
  let opened = 0;
  const counting: ObjectStore = Object.assign(Object.create(local) as ObjectStore, {
    getStream: (key: string) => {
      opened++;
      return local.getStream(key);
    },
  });
  const store = new ReadAheadStore(counting, keys, { objects: 8, bytes: 1024 * 1024 });
  await settle();
  expect(opened).toBe(8);
  const out: string[] = [];
  for (const key of keys) out.push(await text(await store.getStream(key)));
  store.close();
  expect(out).toEqual(keys.map((_, i) => JSON.stringify({ items: [{ id: i }] })));
  expect(store.misses).toBe(0);
  expect(opened).toBe(200);
});

test('a large object streams: read ahead stops at the byte budget, and nothing past it starts until its turn', async () => {
  const big = 8 * 1024 * 1024;
  const { store: source, seen } = generated({ a: 100, b: big, c: 100, d: 100, e: 100 });
  const store = new ReadAheadStore(source, ['a', 'b', 'c', 'd', 'e'], { objects: 3, bytes: 64 * 1024 });
  await settle();
  // a, b and c in flight; b stopped at the budget (plus a chunk, plus the source's own buffer).
  expect(seen.opened).toEqual(['a', 'b', 'c']);
  expect(seen.produced).toBeLessThan(64 * 1024 + 3 * 16 * 1024 + 100);
  expect(await text(await store.getStream('a'))).toBe('a'.repeat(100));
  await settle();
  expect(seen.opened).toEqual(['a', 'b', 'c']);
  // b is read to its end through the window, then c, d, e follow in order.
  const b = await store.getStream('b');
  let length = 0;
  let atMost = 0;
  for await (const chunk of b) {
    length += (chunk as Buffer).length;
    atMost = Math.max(atMost, seen.produced - length);
  }
  expect(length).toBe(big);
  expect(atMost).toBeLessThan(256 * 1024);
  for (const key of ['c', 'd', 'e']) expect(await text(await store.getStream(key))).toBe(key.repeat(100));
  store.close();
  expect(store.misses).toBe(0);
});

test('an object that is missing fails at its turn with the store\'s own error, after the ones before it', async () => {
  await local.put('a.json', 'A');
  await local.put('c.json', 'C');
  const store = new ReadAheadStore(local, ['a.json', 'b.json', 'c.json']);
  expect(await text(await store.getStream('a.json'))).toBe('A');
  await expect(store.getStream('b.json')).rejects.toBeInstanceOf(ObjectNotFoundError);
  expect(await text(await store.getStream('c.json'))).toBe('C');
  store.close();
});

test('close() lets go of the objects read ahead and not taken; a reader stopping early lets go of its own', async () => {
  const { store: source, seen } = generated({ a: 1024 * 1024, b: 100, c: 1024 * 1024 });
  const store = new ReadAheadStore(source, ['a', 'b', 'c'], { objects: 3, bytes: 32 * 1024 });
  await settle();
  const a = await store.getStream('a');
  a.destroy();
  await settle();
  expect(seen.destroyed).toEqual(['a']);
  store.close();
  await settle();
  expect(seen.destroyed.sort()).toEqual(['a', 'c']);
});

test('a read out of the given order goes straight to the store', async () => {
  await local.put('a.json', 'A');
  await local.put('b.json', 'B');
  const store = new ReadAheadStore(local, ['a.json', 'b.json']);
  expect(await text(await store.getStream('b.json'))).toBe('B');
  expect(store.misses).toBe(1);
  expect(await text(await store.getStream('a.json'))).toBe('A');
  expect(store.misses).toBe(1);
  store.close();
});

test('behind an object paused short of its end, no further object starts, even when the budget frees up', async () => {
  const big = 1024 * 1024;
  const { store: source, seen } = generated({ a: 100, b: big, c: big, d: 100, e: 100 });
  const store = new ReadAheadStore(source, ['a', 'b', 'c', 'd', 'e'], { objects: 3, bytes: 64 * 1024 });
  await settle();
  expect(await text(await store.getStream('a'))).toBe('a'.repeat(100));
  expect((await text(await store.getStream('b'))).length).toBe(big);
  await settle();
  // Only c, paused, is held now: well under the budget, yet d waits for c's turn.
  expect(seen.opened).toEqual(['a', 'b', 'c']);
  expect((await text(await store.getStream('c'))).length).toBe(big);
  for (const key of ['d', 'e']) expect(await text(await store.getStream(key))).toBe(key.repeat(100));
  expect(seen.opened).toEqual(['a', 'b', 'c', 'd', 'e']);
  store.close();
});
