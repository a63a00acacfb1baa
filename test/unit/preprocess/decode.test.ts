/**
 * Decoders on in-memory streams: what each format yields, how records are numbered, and
 * the messages for input that cannot be read.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { decompress } from '../../../adapters/decode/decompress';
import { decodeRecords } from '../../../adapters/decode/records';
import { zipOf } from '../../setup/zip';

const path = (...keys: string[]) => ({ kind: 'path' as const, keys });

async function decode(body: string | Buffer, format: 'json' | 'ndjson' | 'csv' | 'tsv', selector = path('data'), extra = {}) {
  const rejects: [number, string][] = [];
  const fields: string[][] = [];
  const records: [number, unknown][] = [];
  for await (const batch of decodeRecords(Readable.from([Buffer.from(body)]), { format, ...extra }, selector, {
    onFields: (f) => fields.push(f),
    onReject: (n, reason) => rejects.push([n, reason]),
  })) {
    for (const r of batch) records.push([r.number, r.record]);
  }
  return { records, rejects, fields };
}

// A records array is always scanned (wholeBelowBytes is for keyed objects): both must read the same.
describe.each([
  ['parsed whole', 1 << 20],
  ['streamed', 0],
])('JSON %s', (_mode, wholeBelowBytes) => {
  const at = (...keys: string[]) => ({ kind: 'path' as const, keys, wholeBelowBytes });

  test('the records at a path, numbered, and the first record\'s fields', async () => {
    const out = await decode('{"paging":{"next":null},"data":[{"a":1,"b":"x"},{"a":2}],"after":[{"a":9}]}', 'json', at('data'));
    expect(out.records).toEqual([[1, { a: 1, b: 'x' }], [2, { a: 2 }]]);
    expect(out.fields).toEqual([['a', 'b']]);
  });

  test('nested path, top-level array, and the errors that name what is wrong', async () => {
    expect((await decode('{"report":{"rows":[[1],[2]]}}', 'json', at('report', 'rows'))).records).toEqual([[1, [1]], [2, [2]]]);
    expect((await decode('{"r":[{"x":[7]}]}', 'json', at('r', '0', 'x'))).records).toEqual([[1, 7]]);
    expect((await decode('[{"a":1}]', 'json', at())).records).toEqual([[1, { a: 1 }]]);
    await expect(decode('{"other":[]}', 'json', at('data'))).rejects.toThrow("has no response.data (the step's records path)");
    await expect(decode('{"data":{"a":1}}', 'json', at('data'))).rejects.toThrow('response.data is not an array');
    await expect(decode('{"data":[{"a":', 'json', at('data'))).rejects.toThrow(/^is not valid JSON/);
  });
});

// decode.keyed: an object keyed by entity id, its entries one at a time, whole or streamed alike.
describe.each([
  ['parsed whole', 1 << 20],
  ['streamed', 0],
])('JSON keyed by id, %s', (_mode, wholeBelowBytes) => {
  const at = (...keys: string[]) => ({ kind: 'path' as const, keys, wholeBelowBytes });
  const keyed = { keyed: { keyAs: 'campaign_id' } };

  test('each entry\'s rows with the key, in document order, numbered across entries', async () => {
    const body = '{"data":{"123":[{"date":"2026-03-01","clicks":4},{"date":"2026-03-02","clicks":0}],"456":{"date":"2026-03-01","clicks":7},"789":[],"x9":[5]}}';
    // (Parsed whole, integer-like keys come first in ascending order, as JavaScript orders them: row order does not matter to a load.)
    const out = await decode(body, 'json', at('data'), keyed);
    expect(out.records).toEqual([
      [1, { date: '2026-03-01', clicks: 4, campaign_id: '123' }],
      [2, { date: '2026-03-02', clicks: 0, campaign_id: '123' }],
      [3, { date: '2026-03-01', clicks: 7, campaign_id: '456' }],
      [4, { value: 5, campaign_id: 'x9' }],
    ]);
    expect(out.fields).toEqual([['date', 'clicks', 'campaign_id']]);
  });

  test('the whole document as the object; the errors name the path', async () => {
    expect((await decode('{"a":[{"x":1}]}', 'json', at(), keyed)).records).toEqual([[1, { x: 1, campaign_id: 'a' }]]);
    expect((await decode('{}', 'json', at(), keyed)).records).toEqual([]);
    await expect(decode('{"other":{}}', 'json', at('data'), keyed)).rejects.toThrow("has no response.data (the step's records path)");
    await expect(decode('{"data":[{"a":1}]}', 'json', at('data'), keyed)).rejects.toThrow('response.data is not an object keyed by id (decode.keyed)');
    await expect(decode('{"data":{"a":[1', 'json', at('data'), keyed)).rejects.toThrow(/^is not valid JSON/);
  });
});

test('decode.keyed with a records expression is refused', async () => {
  const selector = { kind: 'expression' as const, expression: 'Object.values(response).flat()', where: '$.records', scope: () => { throw new Error('not used'); } };
  await expect(decode('{}', 'json', selector as never, { keyed: { keyAs: 'id' } })).rejects.toThrow('decode.keyed needs `records` to be a plain path');
});

test('NDJSON: blank lines skipped, a bad line rejected with its line number', async () => {
  const out = await decode('{"a":1}\n\n{oops\n{"a":3}\n', 'ndjson');
  expect(out.records).toEqual([[1, { a: 1 }], [4, { a: 3 }]]);
  expect(out.rejects).toEqual([[3, expect.stringMatching(/^line is not valid JSON/)]]);
});

test('CSV and TSV: header or configured columns, quoted fields, line numbers', async () => {
  const csv = await decode('\ufeffa,b\r\n1,"x, ""y"""\r\n2,\r\n', 'csv');
  expect(csv.fields).toEqual([['a', 'b']]);
  expect(csv.records).toEqual([[2, { a: '1', b: 'x, "y"' }], [3, { a: '2', b: '' }]]);
  const tsv = await decode('1\tx\n', 'tsv', path(), { header: false, columns: ['a', 'b'] });
  expect(tsv.records).toEqual([[1, { a: '1', b: 'x' }]]);
});

test('decompress: gzip and zip by magic bytes, plain left alone', async () => {
  const read = async (body: Buffer, compression: 'auto' | 'none' | 'zip' = 'auto') => {
    const out: string[] = [];
    for await (const file of decompress(Readable.from([body]), compression)) {
      const chunks: Buffer[] = [];
      for await (const c of file.stream) chunks.push(Buffer.from(c));
      out.push(`${file.name}:${Buffer.concat(chunks).toString()}`);
    }
    return out;
  };
  expect(await read(gzipSync('hello'))).toEqual([':hello']);
  expect(await read(zipOf({ 'a.csv': 'x', 'dir/b.csv': 'y' }))).toEqual(['a.csv:x', 'dir/b.csv:y']);
  expect(await read(Buffer.from('plain'))).toEqual([':plain']);
  expect(await read(gzipSync('hello'), 'none')).toHaveLength(1);
  // An async job that found nothing stores an empty object (download.emptyWithoutUrl): a zip of it holds no files.
  expect(await read(Buffer.alloc(0), 'zip')).toEqual([]);
});
