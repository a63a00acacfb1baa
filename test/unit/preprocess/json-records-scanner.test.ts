/**
 * The byte scanner that cuts a JSON records array into batches (issue 18): for random
 * documents split at random bytes it yields what JSON.parse of the whole document holds at
 * the path, in full batches; a damaged document is refused exactly when JSON.parse refuses
 * it; and its errors name the record, line and column.
 */
import { Readable } from 'node:stream';
import { JsonRecordsScanner } from '../../../adapters/decode/json-records-scanner';
import { decodeRecords } from '../../../adapters/decode/records';

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

// Characters that trip a scanner: structure inside strings, escapes, multi-byte UTF-8 (2, 3, 4 bytes), a lone surrogate.
const NASTY = ['[', ']', '{', '}', ',', ':', '"', '\\', '\\"', '/', '\n', '\t', 'é', '€', '😀', '\u2028', '\ud800', 'data', 'a', ' ', '\u0000'];

function randomString(r: Random): string {
  let s = '';
  for (let n = r.int(6); n > 0; n--) s += r.pick(NASTY);
  return s;
}

function randomValue(r: Random, depth: number): unknown {
  switch (r.int(depth > 3 ? 4 : 7)) {
    case 0:
      return randomString(r);
    case 1:
      return r.pick([0, -1, 1.5, 1e21, -2.5e-7, 123456789012, 0.1]);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.int(1000);
    case 4:
    case 5: {
      const o: Record<string, unknown> = {};
      for (let n = r.int(4); n > 0; n--) o[r.pick(['id', 'data', 'x', randomString(r)])] = randomValue(r, depth + 1);
      return o;
    }
    default:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
  }
}

/** JSON text with random whitespace between tokens and random (valid) escapes in strings. */
function write(r: Random, value: unknown): string {
  const ws = () => r.pick(['', '', ' ', '\n', '\r\n  ', '\t']);
  const str = (s: string) => {
    const plain = JSON.stringify(s);
    // Some characters written as \u escapes, which JSON.parse reads back the same.
    return r.int(3) === 0 ? plain.replace(/[a-z€]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : plain;
  };
  if (typeof value === 'string') return str(value);
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => write(r, v) + ws()).join(`,${ws()}`)}]`;
  if (value !== null && typeof value === 'object') {
    return `{${ws()}${Object.entries(value).map(([k, v]) => `${str(k)}${ws()}:${ws()}${write(r, v)}${ws()}`).join(`,${ws()}`)}}`;
  }
  return JSON.stringify(value);
}

/** A document with the records at `keys`, decoys before it (the same key nested, or in strings) and siblings after. */
function randomDocument(r: Random): { text: string; keys: string[] } {
  const records = Array.from({ length: r.int(25) }, () => randomValue(r, 1));
  const keys = r.pick([[], ['data'], ['report', 'rows'], ['r', '1', 'data']]);
  let value: unknown = records;
  for (let level = keys.length - 1; level >= 0; level--) {
    const key = keys[level];
    if (/^\d+$/.test(key)) {
      value = [{ data: [9, 9] }, value, 'data'];
    } else {
      const decoy = { data: [{ decoy: true }], note: '"data":[1,2]', [key]: 'not here' };
      value = { before: r.int(2) ? decoy : [decoy], '"data"': [0], [key]: value, after: randomValue(r, 3) };
    }
  }
  return { text: write(r, value), keys };
}

function at(document: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], document);
}

/** Runs the scanner over `bytes` cut at random places; the batches it gives. */
function scan(bytes: Buffer, keys: string[], batch: number, r: Random): unknown[][] {
  const scanner = new JsonRecordsScanner(keys, batch, `response${keys.map((k) => `.${k}`).join('')}`);
  const batches: unknown[][] = [];
  let from = 0;
  while (from < bytes.length) {
    const to = Math.min(bytes.length, from + 1 + r.int(r.int(2) ? 4 : 64));
    for (const b of scanner.push(bytes.subarray(from, to))) batches.push(b);
    from = to;
  }
  for (const b of scanner.end()) batches.push(b);
  return batches;
}

test('random documents, random chunk splits and batch sizes: the records JSON.parse finds, in full batches', () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const r = random(seed);
    const { text, keys } = randomDocument(r);
    const bytes = Buffer.from(text);
    const expected = at(JSON.parse(text), keys) as unknown[];
    const size = 1 + r.int(7);
    const batches = scan(bytes, keys, size, r);
    try {
      expect(batches.flat()).toEqual(expected);
      // Every batch is full but the last, as stream-json's path gave them.
      batches.slice(0, -1).forEach((b) => expect(b).toHaveLength(size));
      expect(batches.every((b) => b.length > 0)).toBe(true);
    } catch (e) {
      throw new Error(`seed ${seed}, keys ${JSON.stringify(keys)}, batch ${size}, document ${text}\n${(e as Error).message}`);
    }
  }
});

test('a damaged document is refused exactly when JSON.parse refuses it, with a line and column', () => {
  let refused = 0;
  for (let seed = 1; seed <= 3000; seed++) {
    const r = random(seed);
    const { text, keys } = randomDocument(r);
    // One byte deleted, replaced or inserted, or the document cut short.
    const bytes = Buffer.from(text);
    const p = r.int(bytes.length);
    const damaged = r.pick([
      () => Buffer.concat([bytes.subarray(0, p), bytes.subarray(p + 1)]),
      () => Buffer.concat([bytes.subarray(0, p), Buffer.from([r.pick([0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x3a, 0x30, 0x2d, 0x0a, 0x78])]), bytes.subarray(p + 1)]),
      () => Buffer.concat([bytes.subarray(0, p), Buffer.from([r.pick([0x22, 0x2c, 0x5d, 0x7d, 0x65])]), bytes.subarray(p)]),
      () => bytes.subarray(0, p),
    ])();
    let parsed: unknown;
    let valid = true;
    try {
      parsed = JSON.parse(damaged.toString('utf8'));
    } catch {
      valid = false;
    }
    let outcome: unknown[] | Error;
    try {
      outcome = scan(damaged, keys, 1 + r.int(5), r).flat();
    } catch (e) {
      outcome = e as Error;
    }
    const context = `seed ${seed}, keys ${JSON.stringify(keys)}, document ${damaged.toString('utf8')}`;
    if (valid) {
      // Still valid JSON: the records, or the error a valid document can earn (no path, not an array).
      let records: unknown;
      try {
        records = at(parsed, keys);
      } catch {
        records = undefined;
      }
      if (Array.isArray(records) && !(outcome instanceof Error)) expect({ context, outcome }).toEqual({ context, outcome: records });
      else expect({ context, outcome: outcome instanceof Error ? outcome.message : outcome }).toEqual({ context, outcome: expect.stringMatching(/has no response|is not an array/) });
    } else {
      refused++;
      if (!(outcome instanceof Error)) throw new Error(`${context}: accepted, but JSON.parse refuses it`);
      // The value at the path may be seen to be no array before the damage further on is reached.
      expect({ context, message: outcome.message }).toEqual({ context, message: expect.stringMatching(/^is not valid JSON: .*line \d+, column \d+ \(byte \d+\)|is not an array$/) });
    }
  }
  expect(refused).toBeGreaterThan(1000);
});

async function decode(chunks: Buffer[], keys: string[]) {
  const out: [number, unknown][] = [];
  const fields: string[][] = [];
  for await (const batch of decodeRecords(Readable.from(chunks), { format: 'json' }, { kind: 'path', keys, wholeBelowBytes: 0 }, { onReject: () => undefined, onFields: (f) => fields.push(f) })) {
    for (const r of batch) out.push([r.number, r.record]);
  }
  return { out, fields };
}

test('through decodeRecords: a BOM and a character split over chunks, numbered records, the first record\'s fields', async () => {
  const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":[{"name":"d€j😀","n":1},{"name":"\\"]},{\\\\"}]}')]);
  const euro = body.indexOf(Buffer.from('€'));
  const emoji = body.indexOf(Buffer.from('😀'));
  const chunks = [body.subarray(0, 1), body.subarray(1, euro + 1), body.subarray(euro + 1, emoji + 2), body.subarray(emoji + 2)];
  expect(await decode(chunks, ['data'])).toEqual({ out: [[1, { name: 'd€j😀', n: 1 }], [2, { name: '"]},{\\' }]], fields: [['name', 'n']] });
});

test('2,500 records come in batches of 1,000, 1,000 and 500, numbered on across them', async () => {
  const records = Array.from({ length: 2500 }, (_, i) => ({ i, s: i % 7 ? 'x' : '[{,"' }));
  const text = Buffer.from(JSON.stringify({ data: records }, null, 2));
  const sizes: number[] = [];
  let last = 0;
  for await (const batch of decodeRecords(Readable.from([text.subarray(0, 100_000), text.subarray(100_000)]), { format: 'json' }, { kind: 'path', keys: ['data'], wholeBelowBytes: 0 }, { onReject: () => undefined })) {
    sizes.push(batch.length);
    last = batch[batch.length - 1].number;
    expect(batch.map((r) => r.record)).toEqual(records.slice(last - batch.length, last));
  }
  expect(sizes).toEqual([1000, 1000, 500]);
  expect(last).toBe(2500);
});

test('only the top-level path counts, and a path given twice streams both arrays (as stream-json did)', async () => {
  const body = '{"x":{"data":[1]},"note":"\\"data\\":[2]","da\\u0074a" : [ 3 , [4,[5]] ],"after":{"data":6}}';
  expect((await decode([Buffer.from(body)], ['data'])).out).toEqual([[1, 3], [2, [4, [5]]]]);
  expect((await decode([Buffer.from('{"data":[1,2],"data":[3]}')], ['data'])).out).toEqual([[1, 1], [2, 2], [3, 3]]);
  expect((await decode([Buffer.from(' [ ] ')], [])).out).toEqual([]);
});

test.each([
  ['{"data":[{"a":1},\n{"a":tru}]}', "is not valid JSON: record 2, which starts at line 2, column 1 (byte 18): Unexpected token '}'"],
  ['{"data":[1,\n  2 3]}', 'is not valid JSON: record 2, line 2, column 5 (byte 16): Unexpected non-whitespace character after JSON'],
  ['{"data":[1,,2]}', 'is not valid JSON: record 2, which starts at line 1, column 12 (byte 11): an empty record (two commas, or a comma before ])'],
  ['{"data":[1,2,]}', 'is not valid JSON: record 3, which starts at line 1, column 14 (byte 13): an empty record (two commas, or a comma before ])'],
  ['{"data":[1}', "is not valid JSON: '}' where a record or ']' should be at line 1, column 11 (byte 10)"],
  ['{"data":[{"a":[1,2', 'is not valid JSON: the document ends too early inside the records array (record 1) at line 1, column 19 (byte 18)'],
  ['{"data":[1],\n "b":01}', "is not valid JSON: '1' where ',' or '}' should be at line 2, column 7 (byte 19)"],
  ['{"data":[1]} x', "is not valid JSON: 'x' after the end of the document at line 1, column 14 (byte 13)"],
  ['{"a":"\\q","data":[]}', 'is not valid JSON: \'q\' where an escape (one of " \\ / b f n r t u) should be at line 1, column 8 (byte 7)'],
  ['{"data":{"a":1}}', 'response.data is not an array'],
  ['{"other":[1]}', "has no response.data (the step's records path)"],
])('%j is refused: %s', async (body, message) => {
  await expect(decode([Buffer.from(body)], ['data'])).rejects.toThrow(message);
});

test('a record\'s text never reaches the error (records may hold personal data)', async () => {
  await expect(decode([Buffer.from('{"data":[{"email":"someone@example.com" x}]}')], ['data'])).rejects.toThrow(/^((?!someone).)*$/s);
});
