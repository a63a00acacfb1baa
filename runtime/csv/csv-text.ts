/**
 * The CSV text of rows, byte for byte as csv-stringify 6 writes them with its defaults
 * (the layout every warehouse COPY reads, core/csv-layout.ts): fields separated by commas,
 * every record ended by `\n`; a field holding a quote, a comma, `\n` or `\r` is quoted,
 * its quotes doubled; null is an empty field (NULL to COPY … CSV), as is '' (never quoted).
 * No formula guard (`=`, `+`, `-`, `@` are written as they are): these files go to a
 * warehouse, not to a spreadsheet.
 *
 * Why not csv-stringify itself: its sync API checks options and separators per field and
 * took about a tenth of the preprocessor's time; this loop does only what the defaults do.
 * test/unit/runtime/csv-text.test.ts holds the two equal on hostile strings.
 */
export type CsvCell = string | null;

/** A field that must be quoted to read back as itself. */
const NEEDS_QUOTES = /[",\n\r]/;
const QUOTE = /"/g;

export function csvText(rows: readonly (readonly CsvCell[])[]): string {
  let out = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      if (i > 0) out += ',';
      if (cell === null || cell === undefined || cell === '') continue;
      out += NEEDS_QUOTES.test(cell) ? `"${cell.replace(QUOTE, '""')}"` : cell;
    }
    out += '\n';
  }
  return out;
}
