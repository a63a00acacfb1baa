/**
 * XLSX, streamed row by row with exceljs's WorkbookReader: the first worksheet's rows are
 * records, keyed by its first row (or the configured `columns` when `header` is false).
 * Shared strings are cached, as the format requires (cells refer to them by index); rows
 * are not. Chosen over a hand-made zip + XML reader because exceljs already handles
 * shared strings, inline strings, rich text, formulas and date styles; its dependency tree
 * is large, the price of not maintaining an XLSX parser here.
 */
import type { Readable } from 'node:stream';
import type { InputRecord } from '../../runtime/row-mapper';
import { BATCH, DecodeError, type DecodeHooks } from './common';

/** A cell as the preprocessor wants it: text, number, boolean or null. Dates become ISO text. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const iso = value.toISOString();
    // A date-only cell (midnight) reads as a date, so `date` columns take it as is.
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return plain(v.result);
    if ('text' in v) return plain(v.text);
    if (v.error) return null;
  }
  return value;
}

export async function* xlsxRecords(stream: Readable, header: boolean, columns: string[] | undefined, hooks: DecodeHooks): AsyncGenerator<InputRecord[]> {
  // Loaded on first use: exceljs and its tree are some 400 modules, a quarter of a second of
  // start-up CPU for every process that imports the decoders, and most runs read no XLSX.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit' });
  let names: string[] | undefined = header ? undefined : columns;
  if (names) hooks.onFields?.(names);
  let sheets = 0;
  let batch: InputRecord[] = [];
  try {
    for await (const sheet of reader) {
      sheets++;
      for await (const row of sheet) {
        // Later sheets are read through (the reader needs it) but give no records.
        if (sheets > 1) continue;
        const values = (row.values as unknown[]).slice(1).map(plain);
        if (!names) {
          names = values.map((v, i) => (v === null ? `column_${i + 1}` : String(v)));
          hooks.onFields?.(names);
          continue;
        }
        let record: unknown = values;
        if (names) {
          const obj: Record<string, unknown> = {};
          names.forEach((name, i) => (obj[name] = values[i] ?? null));
          record = obj;
        }
        batch.push({ record, number: row.number });
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
    }
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`is not a readable XLSX workbook: ${(e as Error).message}`);
  }
  if (sheets === 0) throw new DecodeError('is an XLSX workbook without worksheets');
  if (batch.length) yield batch;
}
