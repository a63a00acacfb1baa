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

// Small objects are parsed whole, large ones streamed: both must read the same.
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
