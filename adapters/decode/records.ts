/**
 * Decodes one (decompressed) file into batches of records, streaming: JSON's records array
 * cut from the bytes and parsed a batch at a time (json-records-scanner.ts), a keyed object
 * picked out of stream-json's token stream (stream-json 1.x: v3 needs Node 22), NDJSON line
 * by line, CSV/TSV with csv-parse, XLSX row by row (xlsx.ts). Only the batch in hand is in
 * memory; XML alone is parsed whole (xml.ts), as fast-xml-parser does not stream. A line that cannot be read (bad NDJSON, a CSV row with the wrong number of
 * fields) is reported through `onReject` with its line number and the file goes on; a
 * file that cannot be read at all throws DecodeError.
 */
import { pipeline, Readable } from 'node:stream';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { parser as jsonParser } from 'stream-json';
import { pick } from 'stream-json/filters/Pick';
import { streamObject } from 'stream-json/streamers/StreamObject';
import type { DecodeConfig } from '../../core/config-schema';
import type { InputRecord } from '../../runtime/row-mapper';
import type { ExpressionScope } from '../../runtime/expression/expression';
import { cutLines } from './line-window';
import { JsonRecordsScanner } from './json-records-scanner';
import { xlsxRecords } from './xlsx';
import { XML_LIMIT_BYTES, xmlToValue } from './xml';
import { BATCH, DecodeError, withoutBom, type DecodeHooks } from './common';

export { BATCH, DecodeError, type DecodeHooks } from './common';

/**
 * A keyed JSON object (decode.keyed) smaller than this is parsed whole with JSON.parse, which
 * is native and about twice as fast as a token stream; a larger one is streamed. (A records
 * array is always cut by the byte scanner: parsed whole, a 6.6 MB page cost the same CPU,
 * 0.68-1.07 s against 0.67-1.01 s for ten, and held 8 MiB more.) Memory stays bounded
 * either way: by this size (and its parsed records) or by the batch. Deciding costs this
 * much buffered input at the start of every large object, which adds to its peak RSS. On
 * 10,000,000 records (bench/preprocess.ts, a shared 2-core machine) peak RSS measured
 * 124-150 MB streaming from the first byte, 171-173 MB with 16 MiB and 168 MB with 8 MiB,
 * against a 200 MB budget; typical vendor pages are well under 8 MiB.
 */
export const WHOLE_JSON_BYTES = 8 * 1024 * 1024;

export type RecordsSelector =
  /** A plain path below `response`: streamed (a keyed object parsed whole below `wholeBelowBytes`). `[]` is the top-level array. */
  | { kind: 'path'; keys: string[]; wholeBelowBytes?: number }
  /** Any other expression: the document is parsed whole in the sandbox. */
  | { kind: 'expression'; expression: string; scope: () => ExpressionScope; where: string };

export function decodeRecords(
  stream: Readable,
  decode: Pick<DecodeConfig, 'format' | 'header' | 'columns' | 'keyed' | 'delimiter' | 'lines'>,
  selector: RecordsSelector,
  hooks: DecodeHooks,
): AsyncGenerator<InputRecord[]> {
  stream = withoutBom(stream);
  switch (decode.format) {
    case 'json':
      if (decode.keyed) {
        if (selector.kind !== 'path') throw new DecodeError('decode.keyed needs `records` to be a plain path (the object keyed by entity id)');
        return jsonKeyed(stream, selector.keys, decode.keyed.keyAs, selector.wholeBelowBytes ?? WHOLE_JSON_BYTES, hooks);
      }
      return selector.kind === 'path' ? jsonStream(stream, selector.keys, hooks) : jsonWhole(stream, selector, hooks);
    case 'ndjson':
      return ndjson(stream, hooks);
    case 'csv':
    case 'tsv':
      return delimited(stream, decode, hooks);
    case 'xlsx':
      return xlsxRecords(stream, decode.header !== false, decode.columns, hooks);
    case 'xml':
      return xmlRecords(stream, selector, hooks);
    default:
      throw new DecodeError(`format ${JSON.stringify(decode.format)} is not supported; use json, ndjson, csv, tsv, xlsx or xml`);
  }
}

function fieldsOf(record: unknown): string[] {
  return record !== null && typeof record === 'object' && !Array.isArray(record) ? Object.keys(record) : [];
}

const pathText = (keys: string[]) => `response${keys.map((k) => `.${k}`).join('')}`;

/** Reads up to `limit` bytes; `rest` is undefined when the stream ended within them. */
async function readUpTo(stream: Readable, limit: number): Promise<{ head: Buffer[]; rest?: AsyncIterator<Buffer> }> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  while (size < limit) {
    const next = await it.next();
    if (next.done) return { head };
    head.push(next.value);
    size += next.value.length;
  }
  return { head, rest: it };
}

/** The bytes read ahead (`head`, released as they are passed on) followed by the rest of the stream. */
function replayed(head: Buffer[], rest: AsyncIterator<Buffer>): Readable {
  async function* replay() {
    // Shifted, not iterated: each buffer is released once it has been passed on.
    while (head.length) yield head.shift()!;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  return Readable.from(replay(), { objectMode: false });
}

/** A small document parsed whole, and the value at `keys` in it. */
function parsedAt(head: Buffer[], keys: string[]): unknown {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(head).toString('utf8'));
  } catch (e) {
    throw new DecodeError(`is not valid JSON: ${(e as Error).message}`);
  }
  head.length = 0;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !(key in value)) throw new DecodeError(`has no ${pathText(keys)} (the step's records path)`);
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The records array at `keys`, cut from the bytes and parsed a batch at a time (json-records-scanner.ts). */
async function* jsonStream(stream: Readable, keys: string[], hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  const scanner = new JsonRecordsScanner(keys, BATCH, pathText(keys));
  let number = 0;
  const numbered = (records: unknown[]): InputRecord[] => {
    if (number === 0 && records.length) hooks.onFields?.(fieldsOf(records[0]));
    return records.map((record) => ({ record, number: ++number }));
  };
  for await (const chunk of stream) {
    for (const records of scanner.push(chunk as Buffer)) yield numbered(records);
  }
  for (const records of scanner.end()) yield numbered(records);
}

/** The rows of one entry of a keyed object: each with the entry's key as `keyAs`. */
function keyedRows(key: string, value: unknown, keyAs: string): unknown[] {
  const rows = Array.isArray(value) ? value : [value];
  return rows.map((row) => (row !== null && typeof row === 'object' && !Array.isArray(row) ? { ...row, [keyAs]: key } : { value: row, [keyAs]: key }));
}

/**
 * An object keyed by entity id whose values are rows (decode.keyed): its entries one at a
 * time, so only one entity's rows are in memory (streamed above `wholeBelow`, as jsonPath).
 */
async function* jsonKeyed(stream: Readable, keys: string[], keyAs: string, wholeBelow: number, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  const { head, rest } = await readUpTo(stream, wholeBelow);
  let entries: AsyncIterable<{ key: string; value: unknown }> | Iterable<{ key: string; value: unknown }>;
  let found = keys.length === 0;
  if (rest) {
    const samePath = (stack: readonly (string | number | null)[]) => stack.length === keys.length && keys.every((k, i) => String(stack[i]) === k) && (found = true);
    const tokens = jsonParser({ packKeys: true, packStrings: true, packNumbers: true, streamKeys: false, streamStrings: false, streamNumbers: false });
    const source = replayed(head, rest);
    entries = (keys.length === 0 ? pipeline(source, tokens, streamObject(), () => undefined) : pipeline(source, tokens, pick({ filter: samePath }), streamObject(), () => undefined)) as AsyncIterable<{ key: string; value: unknown }>;
  } else {
    const document = parsedAt(head, keys);
    found = true;
    if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new DecodeError(`${pathText(keys)} is not an object keyed by id (decode.keyed)`);
    entries = Object.entries(document as Record<string, unknown>).map(([key, value]) => ({ key, value }));
  }
  let batch: InputRecord[] = [];
  let number = 0;
  try {
    for await (const { key, value } of entries) {
      for (const record of keyedRows(key, value, keyAs)) {
        if (number === 0) hooks.onFields?.(fieldsOf(record));
        batch.push({ record, number: ++number });
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    const message = (e as Error).message;
    if (/should be an object/i.test(message)) throw new DecodeError(`${pathText(keys)} is not an object keyed by id (decode.keyed)`);
    throw new DecodeError(`is not valid JSON: ${message}`);
  }
  if (!found) throw new DecodeError(`has no ${pathText(keys)} (the step's records path)`);
  if (batch.length) yield batch;
}

async function* jsonWhole(stream: Readable, selector: Extract<RecordsSelector, { kind: 'expression' }>, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  const scope = selector.scope();
  try {
    yield* recordsOf(scope, Buffer.concat(chunks.splice(0)).toString('utf8'), selector, hooks);
  } finally {
    scope.dispose();
  }
}

async function* recordsOf(scope: ExpressionScope, text: string, selector: Extract<RecordsSelector, { kind: 'expression' }>, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  try {
    scope.setJson('response', text);
  } catch (e) {
    throw new DecodeError(`is not valid JSON: ${(e as Error).message}`);
  }
  scope.assign('__records', selector.expression, selector.where);
  const length = scope.lengthOf('__records', selector.where);
  if (length < 0) throw new DecodeError(`${selector.where}: the records expression did not give an array`);
  for (let start = 0; start < length; start += BATCH) {
    // Copied out as JSON text: the host never holds an object made in the sandbox.
    const json = scope.sliceOf('__records', start, start + BATCH, selector.where);
    const records = JSON.parse(json) as unknown[];
    if (start === 0 && records.length) hooks.onFields?.(fieldsOf(records[0]));
    yield records.map((record, i) => ({ record, number: start + i + 1 }));
  }
}

/**
 * An XML document, parsed whole (xml.ts), its records chosen by the step's `records` over
 * the decoded document. An element that appears once is a single value, not a list (XML
 * cannot tell), so along a plain path a single record is a list of one, and an empty
 * element (`<Rows/>`) or a nil one is no records.
 */
async function* xmlRecords(stream: Readable, selector: RecordsSelector, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > XML_LIMIT_BYTES) throw new DecodeError(`is an XML document larger than ${XML_LIMIT_BYTES} bytes, which DIF parses whole`);
    chunks.push(Buffer.from(chunk as Buffer));
  }
  const document = xmlToValue(Buffer.concat(chunks.splice(0)).toString('utf8'));
  if (selector.kind === 'expression') {
    const scope = selector.scope();
    try {
      yield* recordsOf(scope, JSON.stringify(document), selector, hooks);
    } finally {
      scope.dispose();
    }
    return;
  }
  let found: unknown = document;
  for (const key of selector.keys) {
    if (found === null || typeof found !== 'object' || Array.isArray(found) || !(key in found)) throw new DecodeError(`has no ${pathText(selector.keys)} (the step's records path)`);
    found = (found as Record<string, unknown>)[key];
  }
  const list = Array.isArray(found) ? found : found === null || found === '' ? [] : [found];
  if (list.length) hooks.onFields?.(fieldsOf(list[0]));
  for (let start = 0; start < list.length; start += BATCH) {
    yield list.slice(start, start + BATCH).map((record, i) => ({ record, number: start + i + 1 }));
  }
}

async function* ndjson(stream: Readable, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let batch: InputRecord[] = [];
  let line = 0;
  let first = true;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch (e) {
      hooks.onReject(line, `line is not valid JSON: ${(e as Error).message}`, text);
      continue;
    }
    if (first) hooks.onFields?.(fieldsOf(record));
    first = false;
    batch.push({ record, number: line });
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* delimited(
  stream: Readable,
  decode: Pick<DecodeConfig, 'format' | 'header' | 'columns' | 'delimiter' | 'lines'>,
  hooks: DecodeHooks,
): AsyncGenerator<InputRecord[]> {
  const header = decode.header !== false;
  // A vendor's preamble and footer are cut first; numbers stay the file's own line numbers.
  const cut = decode.lines ? cutLines(stream, decode.lines) : undefined;
  if (cut) stream = cut.stream;
  const lineOf = (n: number) => n + (cut?.preambleLines() ?? 0);
  const parser = parseCsv({
    delimiter: decode.delimiter ?? (decode.format === 'tsv' ? '\t' : ','),
    bom: true,
    info: true,
    skip_empty_lines: true,
    // A malformed row goes to the rejects file (the 'skip' event below), not the whole file.
    skip_records_with_error: true,
    columns: header
      ? (names: string[]) => {
          hooks.onFields?.(names);
          return names;
        }
      : (decode.columns ?? false),
  });
  if (!header && decode.columns) hooks.onFields?.(decode.columns);
  parser.on('skip', (err: Error & { lines?: number; record?: unknown; raw?: string }) => {
    hooks.onReject(lineOf(err.lines ?? 0), `row cannot be read: ${err.message}`, err.raw ?? err.record ?? null);
  });
  const rows = pipeline(stream, parser, () => undefined);
  let batch: InputRecord[] = [];
  try {
    for await (const { record, info } of rows as AsyncIterable<{ record: unknown; info: { lines: number } }>) {
      batch.push({ record, number: lineOf(info.lines) });
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  } catch (e) {
    throw new DecodeError(`is not valid ${decode.format.toUpperCase()}: ${(e as Error).message}`);
  }
  if (batch.length) yield batch;
}
