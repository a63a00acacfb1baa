/**
 * runtime/csv/csv-text.ts must write exactly what csv-stringify wrote before it (the bytes
 * every COPY has read so far), and what it writes must read back as the same cells. Random
 * rows from a fixed seed, built from the characters that break CSV writers: quotes, commas,
 * CR, LF, CRLF, spaces at the ends, formula leaders, unicode (astral, combining, BOM, NUL).
 */
import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse/sync';
import { csvText, type CsvCell } from '../../../runtime/csv/csv-text';

const PIECES = ['"', '""', ',', '\n', '\r', '\r\n', ' ', 'a', 'Zz9', '=SUM(A1)', '+1', '-2', '@x', '\t', 'é', 'e\u0301', '😀', '\u2028', '\uFEFF', '\u0000', '\\', "'", ';', '\\.', 'NULL'];

/** mulberry32: a small seeded generator, so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileRows(seed: number, count: number): CsvCell[][] {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const rows: CsvCell[][] = [];
  const width = 1 + pick(6);
  for (let r = 0; r < count; r++) {
    const row: CsvCell[] = [];
    for (let c = 0; c < width; c++) {
      const kind = pick(10);
      if (kind === 0) row.push(null);
      else if (kind === 1) row.push('');
      else row.push(Array.from({ length: 1 + pick(5) }, () => PIECES[pick(PIECES.length)]).join(''));
    }
    rows.push(row);
  }
  return rows;
}

describe('csvText', () => {
  test('the same bytes as csv-stringify on 200 batches of hostile rows', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rows = hostileRows(seed, 50);
      expect([seed, csvText(rows)]).toEqual([seed, stringify(rows)]);
    }
  });

  test('what it writes reads back as the same cells (null and "" both as empty fields)', () => {
    for (let seed = 1000; seed <= 1100; seed++) {
      const rows = hostileRows(seed, 30);
      // More than one field per row: a lone empty field is an empty line, which csv-parse skips.
      const wide = rows.map((row) => [...row, 'end']);
      const back = parse(csvText(wide), { relax_column_count: false }) as string[][];
      expect([seed, back]).toEqual([seed, wide.map((row) => row.map((cell) => cell ?? ''))]);
    }
  });

  test('quotes only what needs quoting, and doubles the quotes inside', () => {
    expect(csvText([['a', 'b,c', 'say "hi"', 'l1\nl2', 'cr\r', null, '', '=1+2', ' x ']])).toBe('a,"b,c","say ""hi""","l1\nl2","cr\r",,,=1+2, x \n');
    expect(csvText([])).toBe('');
  });
});
