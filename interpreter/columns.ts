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
  const bad = (what: string) => new ColumnValueError(column.name, `${JSON.stringify(value)} is not ${what}`);
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
      if (!DAY.test(text) || Number.isNaN(Date.parse(text))) throw bad('a date (YYYY-MM-DD)');
      return text;
    case 'timestamp':
      if (Number.isNaN(Date.parse(text))) throw bad('a timestamp');
      return new Date(text).toISOString();
    default:
      throw new ColumnValueError(column.name, `unknown type ${JSON.stringify(column.type)}`);
  }
}
