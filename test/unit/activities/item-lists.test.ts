import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalObjectStore } from '../../../adapters/object-store';
import { ITEMS_PER_PIECE, ItemListWriter, readItems } from '../../../activities/item-lists';

/** A store that counts the objects read, to show a batch reads only its pieces. */
class CountingStore extends LocalObjectStore {
  reads: string[] = [];
  override async getText(key: string): Promise<string> {
    this.reads.push(key);
    return super.getText(key);
  }
}

let dir: string;
let store: CountingStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-item-lists-'));
  store = new CountingStore(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function written(count: number): Promise<string> {
  const writer = new ItemListWriter(store, 'raw/run/step/items/');
  for (let i = 0; i < count; i++) await writer.add({ item: { id: i }, ancestors: [{ account: Math.floor(i / 10) }] });
  const { itemsKey, count: n } = await writer.close();
  expect(n).toBe(count);
  return itemsKey;
}

const ids = (items: { item: unknown }[]) => items.map((e) => (e.item as { id: number }).id);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

test('a batch reads only the pieces that hold its items', async () => {
  const key = await written(2 * ITEMS_PER_PIECE + 500);
  store.reads = [];
  expect(ids(await readItems(store, key, 1500, 1501))).toEqual([1500]);
  expect(store.reads).toEqual(['raw/run/step/items/piece-000001.json']);
  store.reads = [];
  const across = await readItems(store, key, 900, 2100);
  expect(ids(across)).toEqual(range(900, 2100));
  expect(store.reads).toHaveLength(3);
  expect(across[0].ancestors).toEqual([{ account: 90 }]);
});

test('the last, short piece and an exact multiple of the piece size', async () => {
  const key = await written(2 * ITEMS_PER_PIECE + 3);
  expect(ids(await readItems(store, key, 2 * ITEMS_PER_PIECE, 2 * ITEMS_PER_PIECE + 3))).toEqual(range(2000, 2003));
  const exact = new ItemListWriter(store, 'raw/run/other/items/');
  for (let i = 0; i < ITEMS_PER_PIECE; i++) await exact.add({ item: { id: i }, ancestors: [] });
  const { itemsKey } = await exact.close();
  expect(ids(await readItems(store, itemsKey, 998, 1000))).toEqual([998, 999]);
  expect(await store.list('raw/run/other/items/')).toHaveLength(1);
});

test('no items write no piece', async () => {
  const writer = new ItemListWriter(store, 'raw/run/none/items/');
  expect(await writer.close()).toEqual({ itemsKey: 'raw/run/none/items/', count: 0 });
  expect(await store.list('raw/run/none/')).toEqual([]);
});

test('a list stored whole by an older planItems is still read', async () => {
  await store.put('raw/run/old/items.json', JSON.stringify(range(0, 10).map((id) => ({ item: { id }, ancestors: [] }))));
  expect(ids(await readItems(store, 'raw/run/old/items.json', 3, 6))).toEqual([3, 4, 5]);
});
