/**
 * Turns the value a column's expression produced into the text a CSV cell holds, checking
 * it against the column's declared type. Pure; errors name the column so the caller can
 * add the record number and the file.
 */
import type { ColumnConfig } from './config-schema';

export class ColumnValueError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(`column "${column}": ${message}`);
    this.name = 'ColumnValueError';
  }
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

export function toCell(value: unknown, column: ColumnConfig): string | null {
  if (value === undefined || value === null || value === '') {
    if (column.nullable === false) throw new ColumnValueError(column.name, 'is required but missing');
    return null;
  }
  const text = String(value);
  const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  const bad = (what: string) => new ColumnValueError(column.name, `${shown} is not ${what}`);
  switch (column.type) {
    case 'string':
      return text;
    case 'integer':
      if (!INTEGER.test(text)) throw bad('an integer');
      return text;
    case 'decimal':
      if (!DECIMAL.test(text)) throw bad('a decimal number');
      return text;
    case 'boolean':
      if (value === true || text === 'true' || text === '1') return 'true';
      if (value === false || text === 'false' || text === '0') return 'false';
      throw bad('a boolean');
    case 'date':
      if (!DAY.test(text) || !isCalendarDay(text)) throw bad('a date (YYYY-MM-DD)');
      return text;
    case 'timestamp': {
      const date = parseTimestamp(text);
      if (!date) throw bad('a timestamp');
      return date.toISOString();
    }
    default:
      throw new ColumnValueError(column.name, `unknown type ${JSON.stringify(column.type)}`);
  }
}
