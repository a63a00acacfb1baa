/**
 * A UTF-8 byte order mark before a body (issue 21: "A UTF-8 BOM before a JSON body fails
 * every parse") is dropped by every decoder, also when it arrives split across chunks, and
 * nothing else is: a body that only starts like a BOM keeps its bytes.
 */
import { Readable } from 'node:stream';
import { decodeRecords } from '../../../adapters/decode/records';
import { withoutBom } from '../../../adapters/decode/common';
import { readText } from '../../../activities/vendor-client';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function recordsOf(chunks: Buffer[], format: 'json' | 'ndjson' | 'csv') {
  const out: unknown[] = [];
  const rejects: string[] = [];
  const selector = { kind: 'path' as const, keys: ['data'] };
  for await (const batch of decodeRecords(Readable.from(chunks), { format }, selector, { onReject: (_n, reason) => rejects.push(reason) })) {
    for (const r of batch) out.push(r.record);
  }
  return { out, rejects };
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

test.each([
  ['json', '{"data":[{"id":1},{"id":2}]}'],
  ['ndjson', '{"id":1}\n{"id":2}\n'],
  ['csv', 'id\n1\n2\n'],
] as const)('%s after a BOM decodes as without one, the BOM split over chunks too', async (format, body) => {
  const whole = Buffer.concat([BOM, Buffer.from(body)]);
  const expected = format === 'csv' ? [{ id: '1' }, { id: '2' }] : [{ id: 1 }, { id: 2 }];
  expect(await recordsOf([whole], format)).toEqual({ out: expected, rejects: [] });
  expect(await recordsOf([whole.subarray(0, 1), whole.subarray(1, 2), whole.subarray(2)], format)).toEqual({ out: expected, rejects: [] });
});

test('only a whole leading BOM goes: a body starting like one, or holding one later, keeps its bytes', async () => {
  expect(await bytesOf(withoutBom(Readable.from([Buffer.from([0xef, 0xbb])])))).toEqual(Buffer.from([0xef, 0xbb]));
  const later = Buffer.concat([Buffer.from('a'), BOM, Buffer.from('b')]);
  expect(await bytesOf(withoutBom(Readable.from([later])))).toEqual(later);
  expect(await bytesOf(withoutBom(Readable.from([])))).toEqual(Buffer.alloc(0));
});

test('a whole answer read as text (pages, poll and submit answers) loses its BOM', async () => {
  expect(await readText(Readable.from([BOM, Buffer.from('{"ok":true}')]))).toBe('{"ok":true}');
  expect(JSON.parse(await readText(Readable.from([Buffer.concat([BOM, Buffer.from('[1]')])])))).toEqual([1]);
});
