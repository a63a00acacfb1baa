/** Answer bundles (adapters/object-store/answer-bundle.ts) and the reader of bundled pages (bundle-pages.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { bundleIndex, bundleKey, bundlePrefix, encodeBundle } from '../../../adapters/object-store/answer-bundle';
import { PageOpener, readOrder } from '../../../adapters/object-store/bundle-pages';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';
import { ForwardingStore } from '../../../adapters/object-store/forwarding-store';
import { ReadAheadStore } from '../../../adapters/object-store/read-ahead';
import { pagesOf } from '../../../activities/page-sets';
import { BundleWriter } from '../../../steps/shared/answer-bundles';

const answers = [
  { item: 7, body: Buffer.from('{"data":[{"id":1}]}'), contentType: 'application/json; charset=utf-8' },
  // Any bytes: a newline, XML, CSV, bytes that are not UTF-8, nothing at all.
  { item: 8, body: Buffer.from('<?xml version="1.0"?>\n<r a="1">é</r>\n'), contentType: 'application/xml' },
  { item: 9, body: Buffer.from('id,name\n1,"a\nb"\n'), contentType: 'text/csv' },
  { item: 10, body: Buffer.from([0xff, 0x00, 0x0a, 0x0d, 0x80]) },
  { item: 12, body: Buffer.alloc(0), contentType: 'application/json' },
];

test('a bundle holds any bytes: each answer read back from its range is its bytes, with its content type', () => {
  const { bytes, index } = encodeBundle(answers);
  expect(bundleIndex(bytes, 'b')).toEqual(index);
  expect(index.map((e) => e.item)).toEqual([7, 8, 9, 10, 12]);
  for (const [i, a] of answers.entries()) {
    expect(bytes.subarray(index[i].offset, index[i].offset + index[i].length)).toEqual(a.body);
    expect(index[i].contentType).toBe(a.contentType);
  }
  // The index is the first line; the first answer starts right after it.
  expect(index[0].offset).toBe(bytes.indexOf(0x0a) + 1);
});

test("the index's offsets count its own length, whatever the number of digits it takes", () => {
  for (const count of [1, 9, 10, 99, 100, 1000]) {
    const many = Array.from({ length: count }, (_, i) => ({ item: i, body: Buffer.from(`{"i":${i}}`) }));
    const { bytes, index } = encodeBundle(many);
    expect(bundleIndex(bytes, 'b').map((e) => bytes.subarray(e.offset, e.offset + e.length).toString())).toEqual(many.map((m) => m.body.toString()));
    expect(index[0].offset).toBe(bytes.indexOf(0x0a) + 1);
  }
});

test('a key is fixed by batch, first and last item and content: the same bundle twice is the same key, another content another key', () => {
  const prefix = bundlePrefix('raw/v/c/s/w/run-1', 'stats', 500);
  expect(prefix).toBe('raw/v/c/s/w/run-1/stats/bundles-0000500/');
  const one = encodeBundle(answers);
  const key = bundleKey(prefix, one.index, one.bytes);
  expect(key).toMatch(/^raw\/v\/c\/s\/w\/run-1\/stats\/bundles-0000500\/items-0000007-0000012-[0-9a-f]{12}\.bundle$/);
  const again = encodeBundle(answers.map((a) => ({ ...a, body: Buffer.from(a.body) })));
  expect(bundleKey(prefix, again.index, again.bytes)).toBe(key);
  const other = encodeBundle([{ ...answers[0], body: Buffer.from('{"data":[]}') }, ...answers.slice(1)]);
  expect(bundleKey(prefix, other.index, other.bytes)).not.toBe(key);
});

test('what is not a bundle, or a bundle cut short, is refused by name', () => {
  expect(() => bundleIndex(Buffer.from('{"data":[]}'), 'k')).toThrow(/k is not an answer bundle/);
  const { bytes } = encodeBundle(answers);
  expect(() => bundleIndex(bytes.subarray(0, bytes.length - 3), 'k')).toThrow(/k is cut short: item 10/);
});

describe('reading pages', () => {
  let dir: string;
  let store: LocalObjectStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bundles-'));
    store = new LocalObjectStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A store counting its reads per key. */
  class Counting extends ForwardingStore {
    reads = new Map<string, number>();
    override getStream(key: string): Promise<Readable> {
      this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
      return super.getStream(key);
    }
  }

  async function writeBatch(limits: { items: number; bytes: number }, bodies: (string | undefined)[]) {
    const writer = new BundleWriter(store, bundlePrefix('raw/r', 'stats', 0), limits);
    for (const [item, body] of bodies.entries()) {
      if (body === undefined) continue;
      writer.add(item, Buffer.from(body), 'application/json');
      if (writer.full) await writer.flush();
    }
    await writer.flush();
    return writer;
  }

  test('a list naming bundled answers and answers of their own (and a list written before bundles) reads each answer, each bundle read once, in read-ahead order', async () => {
    const bodies = Array.from({ length: 7 }, (_, i) => `{"data":[{"n":${i}}]}`);
    // Item 3 was large: stored as its own object, between answers of the first bundle.
    const writer = await writeBatch({ items: 4, bytes: 1 << 20 }, bodies.map((b, i) => (i === 3 ? undefined : b)));
    await store.put('raw/r/stats/item-0000003/page-000001.json', bodies[3]);
    await store.put('raw/r/old/item-0000000/page-000001.json', '{"old":1}');
    const sets = bodies.map((_, i) => ({ prefix: `raw/r/stats/item-${String(i).padStart(7, '0')}`, count: 1, stepIndex: 1, parent: { i }, ...(writer.stored.has(i) ? { bundle: writer.stored.get(i) } : {}) }));
    await store.put('list.json', JSON.stringify(sets));
    await store.put('old-list.json', JSON.stringify([{ prefix: 'raw/r/old/item-0000000', count: 1, stepIndex: 1, parent: { i: 0 } }]));

    const pages = [];
    for await (const page of pagesOf(store, ['list.json', 'old-list.json'])) pages.push({ key: page.objectKey, range: page.range, parent: page.parent });
    expect(pages.filter((p) => p.range).length).toBe(6);
    expect(pages[7]).toEqual({ key: 'raw/r/old/item-0000000/page-000001.json', range: undefined, parent: { i: 0 } });
    const keys = readOrder(pages);
    // Bundle 0-4 (items 0, 1, 2, 4), item 3 on its own, bundle 5-6, the old list's page: each once.
    expect(keys).toHaveLength(4);
    expect(keys[1]).toBe('raw/r/stats/item-0000003/page-000001.json');

    const counting = new Counting(store);
    const ahead = new ReadAheadStore(counting, keys);
    const opener = new PageOpener(ahead);
    const texts = [];
    for (const page of pages) {
      const chunks: Buffer[] = [];
      for await (const c of await opener.stream(page)) chunks.push(c as Buffer);
      texts.push(Buffer.concat(chunks).toString());
    }
    ahead.close();
    expect(texts).toEqual([...bodies, '{"old":1}']);
    expect([...counting.reads.values()].every((n) => n === 1)).toBe(true);
    expect(counting.reads.size).toBe(4);
    // Every read was served by the read-ahead window, in its order.
    expect(ahead.misses).toBe(0);
  });

  test('a retried batch finds the items its bundles hold, and only those', async () => {
    const writer = await writeBatch({ items: 3, bytes: 1 << 20 }, ['{}', '{}', undefined, '{"a":1}', '{"b":2}']);
    const retry = new BundleWriter(store, bundlePrefix('raw/r', 'stats', 0));
    expect(await retry.resume()).toBe(4);
    expect([...retry.stored.keys()].sort()).toEqual([0, 1, 3, 4]);
    expect(retry.stored).toEqual(writer.stored);
    // Another batch's prefix holds none of them.
    expect(await new BundleWriter(store, bundlePrefix('raw/r', 'stats', 5)).resume()).toBe(0);
  });

  test('a bundle is written when it holds its count of answers or its bytes, and not before', async () => {
    const writer = new BundleWriter(store, 'b/', { items: 3, bytes: 10 });
    writer.add(0, Buffer.from('1234'), undefined);
    expect(writer.full).toBe(false);
    writer.add(1, Buffer.from('123456'), undefined);
    expect(writer.full).toBe(true);
    await writer.flush();
    expect(writer.pending).toBe(0);
    expect(await store.list('b/')).toHaveLength(1);
    for (const i of [2, 3]) writer.add(i, Buffer.from('1'), undefined);
    expect(writer.full).toBe(false);
    writer.add(4, Buffer.from('1'), undefined);
    expect(writer.full).toBe(true);
  });
});
