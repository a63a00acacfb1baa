/**
 * The CSV part writer's layout (adapters/csv-output/part-writer.ts, core/part-sets.ts):
 * with a warehouse multiple N > 1 the part count is a multiple of N once the output is big
 * enough to split, the parts of a set are balanced within one batch, every row is written
 * once, each part keeps its rows in the data's order, and a retry of the same input gives
 * the same parts; with N = 1 the parts are the data in order, split by size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';
import { CsvPartWriter, type PartLayout, type WrittenPart } from '../../../adapters/csv-output/part-writer';
import { leastFilled, MAX_OPEN_PARTS, partSetWidth } from '../../../core/part-sets';

let dir: string;
let store: LocalObjectStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-part-writer-'));
  store = new LocalObjectStore(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = ['id', 'batch', 'text'];
/** `batches` batches of `size` rows, every row the same length (10 + 1 + 4 + 1 + 20 + newline bytes). */
function batchesOf(batches: number, size: number): string[][][] {
  return Array.from({ length: batches }, (_, b) =>
    Array.from({ length: size }, (_, i) => [`r${String(b * size + i).padStart(9, '0')}`, String(b).padStart(4, '0'), 'x'.repeat(20)]),
  );
}
const ROW_BYTES = 10 + 1 + 4 + 1 + 20 + 1;

async function write(batches: string[][][], partBytes: number, layout: PartLayout, prefix = 'out'): Promise<WrittenPart[]> {
  const writer = new CsvPartWriter(store, (n) => `${prefix}/part-${String(n).padStart(6, '0')}.csv.gz`, HEADER, partBytes, layout);
  for (const batch of batches) await writer.write(batch);
  return writer.close();
}

async function rowsOf(key: string): Promise<string[][]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.getStream(key)) chunks.push(Buffer.from(chunk));
  const [header, ...rows] = parse(gunzipSync(Buffer.concat(chunks))) as string[][];
  expect(header).toEqual(HEADER);
  return rows;
}

describe('partSetWidth', () => {
  test('is the multiple, or its greatest divisor that can be open at once; 1 when the multiple is not a whole number above 0', () => {
    expect([1, 2, 4, 16, 64].map((n) => partSetWidth(n))).toEqual([1, 2, 4, 16, 64]);
    expect(partSetWidth(128)).toBe(64);
    expect(partSetWidth(96)).toBe(48);
    expect(partSetWidth(67)).toBe(1); // a prime above the cap: no set divides it
    expect([0, -4, 2.5, Number.NaN].map((n) => partSetWidth(n))).toEqual([1, 1, 1, 1]);
    expect(partSetWidth(12, 5)).toBe(4);
    expect(MAX_OPEN_PARTS).toBe(64);
  });

  test('leastFilled picks the emptiest part, the first of equals', () => {
    expect(leastFilled([5, 3, 3, 9])).toBe(1);
    expect(leastFilled([0, 0])).toBe(0);
  });
});

describe('CsvPartWriter with a multiple of 4', () => {
  // 100 batches of 10 rows (370 bytes a batch); sets close once every part holds 2,000 bytes.
  const batches = batchesOf(100, 10);
  const layout = { multiple: 4, minPartBytes: 1_000 };

  test('the part count is a multiple of 4, every row is written once, and each part keeps the data order', async () => {
    const parts = await write(batches, 2_000, layout);
    expect(parts.length % 4).toBe(0);
    expect(parts.length).toBeGreaterThan(4);
    expect(parts.map((p) => p.key)).toEqual(parts.map((_, i) => `out/part-${String(i + 1).padStart(6, '0')}.csv.gz`));
    const all: string[] = [];
    for (const part of parts) {
      const rows = await rowsOf(part.key);
      expect(rows).toHaveLength(part.rows);
      const ids = rows.map((r) => r[0]);
      expect(ids).toEqual([...ids].sort()); // a part's rows in the order they came
      all.push(...ids);
    }
    const expected = batches.flat().map((r) => r[0]);
    expect(all).toHaveLength(expected.length);
    expect([...all].sort()).toEqual(expected);
  });

  test('each set closed by size is balanced within one batch, and so is the last one', async () => {
    const parts = await write(batches, 2_000, layout);
    for (let set = 0; set < parts.length; set += 4) {
      const rows = parts.slice(set, set + 4).map((p) => p.rows);
      expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(10);
    }
    // Full sets hold at least partBytes in each part.
    for (const part of parts.slice(0, -4)) expect(part.rows * ROW_BYTES).toBeGreaterThanOrEqual(2_000 - 100);
  });

  test('a retry of the same input writes the same parts', async () => {
    const first = await write(batches, 2_000, layout, 'a');
    const again = await write(batches, 2_000, layout, 'b');
    expect(again.map((p) => [p.key.slice(2), p.rows])).toEqual(first.map((p) => [p.key.slice(2), p.rows]));
    for (const [i, part] of first.entries()) expect(await rowsOf(again[i].key)).toEqual(await rowsOf(part.key));
  });

  test('an output smaller than the split size stays one part; no rows make one header-only part', async () => {
    const small = await write(batchesOf(2, 10), 2_000, layout); // 740 bytes < 1,000
    expect(small.map((p) => p.rows)).toEqual([20]);
    const none = await write([], 2_000, layout, 'none');
    expect(none.map((p) => p.rows)).toEqual([0]);
    expect(await rowsOf(none[0].key)).toEqual([]);
  });

  test('just past the split size, the output is one set of 4', async () => {
    const parts = await write(batchesOf(6, 10), 2_000, layout); // the first part splits after its third batch
    expect(parts.map((p) => p.rows)).toEqual([30, 10, 10, 10]);
  });

  test('a set after the first opens whole: one batch past a full set still makes 4 parts (three of them header-only)', async () => {
    // Each set takes 24 batches here (6 in each part): 97 batches are 4 sets and one batch.
    const parts = await write(batchesOf(97, 10), 2_000, layout);
    expect(parts).toHaveLength(20);
    expect(parts.slice(16).map((p) => p.rows)).toEqual([10, 0, 0, 0]);
  });

  test('a multiple above the open-parts cap opens sets of a divisor of it', async () => {
    const parts = await write(batchesOf(300, 1), 50, { multiple: 128, minPartBytes: 50 });
    expect(parts.length % 64).toBe(0);
    expect(parts.length).toBeGreaterThanOrEqual(128);
  });
});

test('with a multiple of 1 the parts are the data in order, split by size as before', async () => {
  const batches = batchesOf(20, 10);
  const parts = await write(batches, 1_000, { multiple: 1, minPartBytes: 1 });
  expect(parts.map((p) => p.rows)).toEqual(Array(6).fill(30).concat([20])); // a part closes after the batch that takes it past 1,000 bytes
  const ids: string[] = [];
  for (const part of parts) ids.push(...(await rowsOf(part.key)).map((r) => r[0]));
  expect(ids).toEqual(batches.flat().map((r) => r[0]));
});

test('widths are each column’s longest value in UTF-8 bytes, in ASCII batches and in batches with other characters', async () => {
  const writer = new CsvPartWriter(store, (n) => `w/part-${n}.csv.gz`, ['a', 'b', 'c', 'd'], 1 << 20);
  await writer.write([
    ['abcd', null, '', 'x'],
    ['ab', null, '', 'x,y'], // quoted in the CSV; its width is the value's
  ]);
  // 'é' is 2 bytes, '€' 3, '😀' 4 (two UTF-16 units): shorter in characters than 'abcd', longer in bytes.
  await writer.write([
    ['éé€', null, '', 'y'],
    ['a', null, '', '😀😀'],
  ]);
  await writer.write([['abcdef', null, '', 'z']]); // an ASCII batch after them keeps the wider byte counts
  await writer.close();
  // Column b was never written and c held only empty cells: neither has a width.
  expect(writer.widths()).toEqual({ a: 7, d: 8 });
});
