/** Page-set lists and lists of them (a fan-out chunk's, a run's): one key reads as all the pages it stands for, in order. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';
import { pagesOf } from '../../../activities/page-sets';
import type { PageSet } from '../../../core/contracts';

let dir: string;
let store: LocalObjectStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-page-sets-'));
  store = new LocalObjectStore(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const put = (key: string, value: unknown) => store.put(key, JSON.stringify(value));
const set = (prefix: string, count: number, parent?: unknown): PageSet => ({ prefix, count, stepIndex: 1, ...(parent !== undefined ? { parent } : {}) });

async function keysOf(listKeys: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const page of pagesOf(store, listKeys)) out.push(`${page.objectKey}@${JSON.stringify(page.parent ?? null)}`);
  return out;
}

test('a list of lists, nested twice, reads as the pages of its lists in order', async () => {
  await put('b/0.json', [set('raw/a/item-0', 2, { id: 0 })]);
  await put('b/1.json', [set('raw/a/item-1', 1, { id: 1 })]);
  await put('b/2.json', [set('raw/a/item-2', 1, { id: 2 })]);
  await put('chunk-0.json', ['b/0.json', 'b/1.json']);
  await put('chunk-1.json', ['b/2.json']);
  await put('raw-lists.json', ['chunk-0.json', 'chunk-1.json']);

  const direct = await keysOf(['b/0.json', 'b/1.json', 'b/2.json']);
  expect(direct).toHaveLength(4);
  expect(direct[0]).toMatch(/^raw\/a\/item-0\/.*1.*@\{"id":0\}$/);
  expect(await keysOf(['raw-lists.json'])).toEqual(direct);
  expect(await keysOf(['chunk-0.json', 'chunk-1.json'])).toEqual(direct);
});

test('a page set whose answer named its compression gives it with each page; others give none', async () => {
  await put('answered.json', [{ ...set('raw/a/report', 1), compression: 'gzip' }, set('raw/a/other', 1)]);
  const pages = [];
  for await (const page of pagesOf(store, ['answered.json'])) pages.push(page);
  expect(pages.map((p) => p.compression)).toEqual(['gzip', undefined]);
  expect(pages[1]).not.toHaveProperty('compression');
});
