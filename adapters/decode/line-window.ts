/**
 * Cuts the preamble and footer that vendors write around the rows of a CSV/TSV report file
 * (Campaign Manager 360: report facts, then `Report Fields`, then the header; a `Grand Total:`
 * row or a blank line before a summary at the end), line by line, before the CSV is parsed.
 * Streaming: only the line in hand is held. The footer is read to the end and dropped, so
 * the source stream is always drained, never left half-read.
 */
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { DecodeError } from './common';

export interface LineWindow {
  /** The preamble ends with the first line this matches (that line included). */
  after?: string;
  /** The footer starts with the first line after the preamble this matches. */
  until?: string;
}

export interface CutFile {
  stream: Readable;
  /** Lines dropped before the data, so record numbers can stay the file's line numbers. */
  preambleLines: () => number;
}

export function cutLines(source: Readable, window: LineWindow): CutFile {
  const after = window.after === undefined ? undefined : new RegExp(window.after);
  const until = window.until === undefined ? undefined : new RegExp(window.until);
  let preamble = 0;
  async function* lines(): AsyncGenerator<string> {
    let inData = !after;
    let inFooter = false;
    for await (const line of readline.createInterface({ input: source, crlfDelay: Infinity })) {
      if (inFooter) continue;
      if (!inData) {
        preamble += 1;
        inData = after!.test(line);
        continue;
      }
      if (until?.test(line)) {
        inFooter = true;
        continue;
      }
      yield `${line}\n`;
    }
    if (!inData) throw new DecodeError(`has no line matching decode.lines.after ${JSON.stringify(window.after)} (the end of the vendor's preamble)`);
  }
  return { stream: Readable.from(lines(), { objectMode: false }), preambleLines: () => preamble };
}
