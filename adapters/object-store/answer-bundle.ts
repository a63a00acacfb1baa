/**
 * A bundle: the small answers of consecutive items of one fan-out batch stored as ONE object
 * (steps/shared/fetch-pages.ts), instead of one object per item: one PUT per bundle, not per
 * call, and one read per bundle in toCsv.
 *
 * Format, self-describing so a retried batch can tell which items it holds without any
 * other record: a first line of JSON, the index, then the answers' bytes one after the
 * other, exactly as stored before bundles (scrubbed), whatever they are (JSON, XML, CSV):
 *
 *   {"bundle":1,"items":[[index, offset, length, contentType], ...]}\n<body><body>...
 *
 * `offset` counts from the start of the object (the index line included), so a page-set
 * list entry's byte range (PageSet.bundle) reads an answer without the index. JSON text
 * holds no raw newline, so the first `\n` ends the index.
 *
 * Keys are fixed by run, step, batch start and content: `<step>/bundles-<batch start>/` then
 * the first and last item and a hash of the bytes. A retry that writes a bundle again with
 * the same items writes the same bytes under the same key; a bundle with other content gets
 * another key, so no page-set list ever names a range of an object rewritten differently.
 */
import { createHash } from 'node:crypto';

export const BUNDLE_VERSION = 1;

/** One answer of a bundle: its item, where its bytes are in the object, and its Content-Type. */
export interface BundledAnswer {
  item: number;
  offset: number;
  length: number;
  contentType?: string;
}

/** What a page-set list entry keeps of a bundled answer (core/contracts.ts PageSet.bundle). */
export interface BundleRange {
  key: string;
  offset: number;
  length: number;
}

const pad7 = (n: number) => String(n).padStart(7, '0');

/** The folder of a batch's bundles: fixed by run, step and the batch's first item, so a retry lists exactly them. */
export function bundlePrefix(runPrefixRaw: string, step: string, batchStart: number): string {
  return `${runPrefixRaw}/${step}/bundles-${pad7(batchStart)}/`;
}

/** Encodes answers (item, scrubbed bytes, Content-Type) as one bundle: its bytes and where each answer lies in them. */
export function encodeBundle(answers: { item: number; body: Buffer; contentType?: string }[]): { bytes: Buffer; index: BundledAnswer[] } {
  // The index's offsets count from the object's start, so its own length must be known first:
  // computed with offsets relative to the bodies, then shifted until the length is stable (a
  // shift changes the digits only, so this settles in a step or two).
  let rel = 0;
  const relative = answers.map((a) => {
    const entry = { item: a.item, offset: rel, length: a.body.length, contentType: a.contentType };
    rel += a.body.length;
    return entry;
  });
  let head = 0;
  let line = '';
  for (;;) {
    line = indexLine(relative.map((e) => ({ ...e, offset: e.offset + head })));
    const size = Buffer.byteLength(line) + 1;
    if (size === head) break;
    head = size;
  }
  const index = relative.map((e) => ({ ...e, offset: e.offset + head }));
  return { bytes: Buffer.concat([Buffer.from(`${line}\n`), ...answers.map((a) => a.body)]), index };
}

function indexLine(entries: BundledAnswer[]): string {
  return JSON.stringify({ bundle: BUNDLE_VERSION, items: entries.map((e) => [e.item, e.offset, e.length, e.contentType ?? null]) });
}

/** The index of a bundle's bytes; a DataError-like Error when they are not a bundle. */
export function bundleIndex(bytes: Buffer, key: string): BundledAnswer[] {
  const end = bytes.indexOf(0x0a);
  let parsed: { bundle?: unknown; items?: unknown };
  try {
    if (end < 0) throw new Error('no index line');
    parsed = JSON.parse(bytes.subarray(0, end).toString('utf8')) as typeof parsed;
  } catch (e) {
    throw new Error(`${key} is not an answer bundle: ${(e as Error).message}`);
  }
  if (parsed.bundle !== BUNDLE_VERSION || !Array.isArray(parsed.items)) throw new Error(`${key} is not an answer bundle of version ${BUNDLE_VERSION}`);
  return (parsed.items as [number, number, number, string | null][]).map(([item, offset, length, contentType]) => {
    if (offset < end + 1 || offset + length > bytes.length) throw new Error(`${key} is cut short: item ${item} lies past its end`);
    return { item, offset, length, ...(contentType === null ? {} : { contentType }) };
  });
}

/** The key of a bundle of `index`'s items under `prefix` (bundlePrefix): by first and last item and a hash of `bytes`. */
export function bundleKey(prefix: string, index: BundledAnswer[], bytes: Buffer): string {
  const hash = createHash('sha1').update(bytes).digest('hex').slice(0, 12);
  return `${prefix}items-${pad7(index[0].item)}-${pad7(index[index.length - 1].item)}-${hash}.bundle`;
}
