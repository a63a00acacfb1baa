/**
 * Whether a file's first bytes are what its step says it is: a gzip, a zip, an XLSX (a
 * zip), or text. Checked while the file streams in, so a mislabelled file fails the run at
 * once with its name and source, before anything is recorded as taken.
 */
import type { DecodeConfig } from './config-schema';

const GZIP = [0x1f, 0x8b];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const starts = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

/** Bytes needed to judge. */
export const HEAD_BYTES = 4;

/** What is wrong with the head, in words, or undefined when it fits the decode config. */
export function headProblem(head: Uint8Array, decode: DecodeConfig | undefined): string | undefined {
  if (head.length === 0) return 'is empty';
  const compression = decode?.compression ?? 'none';
  const format = decode?.format ?? 'json';
  if (compression === 'gzip' && !starts(head, GZIP)) return 'is not gzip-compressed, as the step\'s decode.compression says';
  if (compression === 'zip' && !starts(head, ZIP)) return 'is not a zip archive, as the step\'s decode.compression says';
  if (compression !== 'none') return undefined; // gzip and zip checked above; auto takes either
  if (starts(head, GZIP)) return 'is gzip-compressed, but the step\'s decode.compression is none';
  if (format === 'xlsx') return starts(head, ZIP) ? undefined : 'is not an XLSX workbook (no zip signature)';
  if (starts(head, ZIP)) return `is a zip archive, but the step's decode says ${format} without compression`;
  if (head.includes(0) && !(head[0] === 0xff || head[0] === 0xfe)) return `is binary, not ${format} text`;
  return undefined;
}
