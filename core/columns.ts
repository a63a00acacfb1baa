/**
 * Turns the value a column's source produced into the text a CSV cell holds: checks it
 * against the column's declared type and applies its `format` (date patterns, epochs,
 * micros, cents, percentages). Pure; errors name the column so the caller can add the
 * record number and the file, and send the row to the rejects file.
 */
import type { ColumnConfig } from './config-schema';
import { shiftDecimal, shiftIntegerDown } from './decimal-shift';

export class ColumnValueError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(`column "${column}": ${message}`);
    this.name = 'ColumnValueError';
  }
}

/** A config mistake in a column's format, found before any record is read. */
export class ColumnFormatError extends Error {
  override name = 'ColumnFormatError';
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 8601 date-time; without an offset it is read as UTC, never as the worker's zone. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar day: Date.parse would roll 2024-02-30 over to March 1st. */
function isCalendarDay(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m || !isCalendarDay(m[1])) return undefined;
  const offset = m[3] ? (m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const date = new Date(`${m[1]}T${m[2] ?? '00:00:00'}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Default source of a column: the record field of the same name. */
export function columnSource(column: ColumnConfig): string {
  return column.source ?? `record[${JSON.stringify(column.name)}]`;
}

const NUMBER_FORMATS: Record<string, number> = { micros: 6, cents: 2, percent: 2 };
const DATE_TOKENS: Record<string, string> = { YYYY: '(\\d{4})', MM: '(\\d{1,2})', DD: '(\\d{1,2})', HH: '(\\d{1,2})', mm: '(\\d{2})', ss: '(\\d{2})' };

/** Throws ColumnFormatError when the column's format does not fit its type; the validator reports it with its path. */
export function checkFormat(column: ColumnConfig): void {
  const f = column.format;
  if (f === undefined) return;
  const ok =
    column.type === 'decimal' || column.type === 'integer'
      ? Object.hasOwn(NUMBER_FORMATS, f)
      : column.type === 'date' || column.type === 'timestamp'
        ? ['iso', 'epoch_seconds', 'epoch_millis'].includes(f) || /YYYY/.test(f)
        : column.type === 'boolean'
          ? f === 'yes_no'
          : false;
  if (!ok) throw new ColumnFormatError(`format ${JSON.stringify(f)} does not apply to a ${column.type} column`);
}

const datePatterns = new Map<string, { regex: RegExp; order: string[] }>();
function compilePattern(pattern: string): { regex: RegExp; order: string[] } {
  let compiled = datePatterns.get(pattern);
  if (!compiled) {
    const order: string[] = [];
    const source = pattern.replace(/YYYY|MM|DD|HH|mm|ss|[.*+?^${}()|[\]\\]/g, (token) => {
      if (token in DATE_TOKENS) {
        order.push(token);
        return DATE_TOKENS[token];
      }
      return `\\${token}`;
    });
    compiled = { regex: new RegExp(`^${source}$`), order };
    datePatterns.set(pattern, compiled);
  }
  return compiled;
}

/** A date or timestamp read by the column's format, in UTC; undefined when it does not parse. */
function parseInstant(value: unknown, text: string, format: string | undefined): Date | undefined {
  if (format === 'epoch_seconds' || format === 'epoch_millis') {
    const n = Number(text);
    if (!Number.isFinite(n) || text.trim() === '') return undefined;
    return new Date(format === 'epoch_seconds' ? n * 1000 : n);
  }
  if (format === undefined || format === 'iso') return parseTimestamp(text);
  const { regex, order } = compilePattern(format);
  const m = regex.exec(text);
  if (!m) return undefined;
  const part: Record<string, number> = { YYYY: 1970, MM: 1, DD: 1, HH: 0, mm: 0, ss: 0 };
  order.forEach((token, i) => (part[token] = Number(m[i + 1])));
  const date = new Date(Date.UTC(part.YYYY, part.MM - 1, part.DD, part.HH, part.mm, part.ss));
  // Date.UTC rolls 2026-02-31 over to March: a round trip catches it.
  if (date.getUTCMonth() !== part.MM - 1 || date.getUTCDate() !== part.DD || part.HH > 23) return undefined;
  void value;
  return date;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The digit at `i` of `text` as a number, or -1. */
const digitAt = (text: string, i: number) => {
  const d = text.charCodeAt(i) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
};

/**
 * Whether `text` is exactly YYYY-MM-DD and a real day of the (proleptic Gregorian) calendar:
 * what the date check below accepts (DAY and the round trip through Date), by arithmetic on
 * the characters, without a Date or a regular expression (it runs once per date cell).
 */
export function isIsoDay(text: string): boolean {
  if (text.length !== 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return false;
  const y0 = digitAt(text, 0), y1 = digitAt(text, 1), y2 = digitAt(text, 2), y3 = digitAt(text, 3);
  const m0 = digitAt(text, 5), m1 = digitAt(text, 6), d0 = digitAt(text, 8), d1 = digitAt(text, 9);
  if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0) return false;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = m0 * 10 + m1;
  const day = d0 * 10 + d1;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** Each column's default as a cell, made once (a column config is never changed after validation). */
const defaultCells = new WeakMap<ColumnConfig, string | null>();

/**
 * The cell a column's `default` gives: the default checked as a value of the column's type,
 * without its `format` (a default is the warehouse value). Throws ColumnValueError when it
 * does not fit the type; the validator reports that with the default's path.
 */
export function defaultCell(column: ColumnConfig): string | null {
  let cell = defaultCells.get(column);
  if (cell === undefined) {
    const { default: value, format: _format, money: _money, ...plain } = column;
    cell = toCell(value, { ...plain, nullable: false });
    defaultCells.set(column, cell);
  }
  return cell;
}

export function toCell(value: unknown, column: ColumnConfig): string | null {
  if (value === undefined || value === null || value === '') {
    if (column.default !== undefined) return defaultCell(column);
    if (column.nullable === false) throw new ColumnValueError(column.name, 'is required but missing');
    return null;
  }
  // Fast paths for the common cells: they run once per cell, millions of times a run.
  if (column.format === undefined) {
    if (column.type === 'string' && typeof value === 'string' && value !== '') return value;
    if (column.type === 'integer' && typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (column.type === 'date' && typeof value === 'string' && isIsoDay(value)) return value;
  } else if (column.type === 'decimal' && typeof value === 'number' && Number.isSafeInteger(value) && Object.hasOwn(NUMBER_FORMATS, column.format)) {
    return shiftIntegerDown(value, NUMBER_FORMATS[column.format]);
  }
  const text = typeof value === 'string' ? value.trim() : String(value);
  // The value as the message shows it, made only when a cell is refused.
  const bad = (what: string) => {
    const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
    return new ColumnValueError(column.name, `${shown} is not ${what}`);
  };
  const format = column.format;
  switch (column.type) {
    case 'string':
      return typeof value === 'string' ? value : text;
    case 'integer':
    case 'decimal': {
      let number = text;
      if (format !== undefined && Object.hasOwn(NUMBER_FORMATS, format)) {
        const raw = format === 'percent' ? text.replace(/%$/, '').trim() : text;
        const shifted = DECIMAL.test(raw) ? shiftDecimal(raw, -NUMBER_FORMATS[format]) : undefined;
        if (shifted === undefined) throw bad(`a number (format ${format})`);
        number = shifted;
      }
      if (column.type === 'integer' && !INTEGER.test(number)) throw bad(format ? `an integer (format ${format})` : 'an integer');
      if (!DECIMAL.test(number)) throw bad('a decimal number');
      return number;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (value === true || lower === 'true' || lower === '1' || (format === 'yes_no' && (lower === 'yes' || lower === 'y'))) return 'true';
      if (value === false || lower === 'false' || lower === '0' || (format === 'yes_no' && (lower === 'no' || lower === 'n'))) return 'false';
      throw bad('a boolean');
    }
    case 'date': {
      if (format === undefined || format === 'iso') {
        // The round trip refuses 2026-02-30, which Date.parse rolls over into March.
        const day = DAY.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
        if (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text) throw bad('a date (YYYY-MM-DD)');
        return text;
      }
      const date = parseInstant(value, text, format);
      if (!date || Number.isNaN(date.getTime())) throw bad(`a date (${format})`);
      return date.toISOString().slice(0, 10);
    }
    case 'json':
      // The value itself as JSON text, a string too ("abc" → "\"abc\""): jsonb and SUPER parse it back.
      return JSON.stringify(value);
    case 'timestamp': {
      const instant = parseInstant(value, text, format);
      if (!instant || Number.isNaN(instant.getTime())) throw bad(format ? `a timestamp (${format})` : 'a timestamp');
      return instant.toISOString();
    }
    default:
      throw new ColumnValueError(column.name, `unknown type ${JSON.stringify(column.type)}`);
  }
}
