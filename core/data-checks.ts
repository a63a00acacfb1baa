/**
 * Warehouse-side data checks, declared per stream in `table.load.checks` and run by the
 * warehouse after the load's writes, inside its transaction: a `fail` check that does not
 * hold rolls the load back (a DataError naming the stream, table and numbers); a `warn`
 * check is reported in the load's summary and the load stands. Pure: the grammar, its
 * config checks, and the verdict from the counts the warehouse measured.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Identifier } from './schema-parts';
import type { ConfigProblem } from './validate';
import type { TableConfig } from './config-schema';

const On = doc(Type.Union([Type.Literal('warn'), Type.Literal('fail')]), '`fail` rolls the load back; `warn` reports and keeps it.', 'warn');

export const DataCheckSpec = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('rowCount'),
      minRatio: Type.Optional(doc(Type.Number({ minimum: 0 }), 'The fewest rows, as a share of the previous load of this customer and stream (0.5: at least half).', 0.5)),
      maxRatio: Type.Optional(doc(Type.Number({ minimum: 0 }), 'The most rows, as a multiple of the previous load of this customer and stream.', 2)),
      on: On,
    },
    { additionalProperties: false, description: 'The rows this load staged, against the previous load of the same customer and stream (no previous load: it holds).' },
  ),
  Type.Object(
    {
      kind: Type.Literal('notNull'),
      columns: doc(Type.Array(Identifier, { minItems: 1 }), 'Columns no row of this load may leave empty.', ['campaign_id']),
      on: On,
    },
    { additionalProperties: false, description: 'No row this load wrote has a null in these columns.' },
  ),
  Type.Object(
    {
      kind: Type.Literal('sum'),
      column: doc(Identifier, 'The numeric column whose sum over the rows staged is compared.', 'spend'),
      total: doc(Identifier, 'The name of the vendor\'s total (a paginated step\'s `totals`) it must match.', 'spend'),
      tolerance: Type.Optional(doc(Type.Number({ minimum: 0 }), 'The largest difference that still matches, in the column\'s units. Default 0.', 0.01)),
      on: On,
    },
    {
      additionalProperties: false,
      description: 'The column\'s sum over the rows staged equals the vendor\'s total, within `tolerance`. A run where the vendor gave no total holds: there is nothing to compare.',
    },
  ),
]);

export type DataCheck = Static<typeof DataCheckSpec>;

/** What the warehouse measured for one check. */
export type CheckMeasure =
  | { kind: 'rowCount'; staged: number; previous?: number }
  | { kind: 'notNull'; nulls: Record<string, number> }
  | { kind: 'sum'; sum: number; total?: number };

/** The verdict of one check: undefined when it holds, else the sentence saying what is wrong. */
export function checkVerdict(check: DataCheck, measure: CheckMeasure, where: string): string | undefined {
  if (check.kind === 'rowCount' && measure.kind === 'rowCount') {
    if (measure.previous === undefined || measure.previous === 0) return undefined;
    const ratio = measure.staged / measure.previous;
    const low = check.minRatio !== undefined && ratio < check.minRatio;
    const high = check.maxRatio !== undefined && ratio > check.maxRatio;
    if (!low && !high) return undefined;
    const range = `${check.minRatio ?? 0}×–${check.maxRatio ?? '∞'}×`;
    return `${where}: ${measure.staged} rows staged, ${ratio.toFixed(2)}× the previous load's ${measure.previous} (allowed ${range})`;
  }
  if (check.kind === 'notNull' && measure.kind === 'notNull') {
    const empty = Object.entries(measure.nulls).filter(([, n]) => n > 0);
    if (!empty.length) return undefined;
    return `${where}: ${empty.map(([column, n]) => `${n} row(s) with ${column} null`).join(', ')}`;
  }
  if (check.kind === 'sum' && measure.kind === 'sum') {
    if (measure.total === undefined) return undefined;
    const difference = Math.abs(measure.sum - measure.total);
    if (difference <= (check.tolerance ?? 0)) return undefined;
    // Twelve significant digits: a float difference of decimals without its binary noise (0.0010000000000047748).
    return `${where}: sum of ${check.column} is ${measure.sum}, the vendor's total ${check.total} is ${measure.total} (off by ${Number(difference.toPrecision(12))}, tolerance ${check.tolerance ?? 0})`;
  }
  return undefined;
}

/** The problems of `load.checks`: columns that are not the table's, a range that is empty. */
export function dataCheckProblems(table: TableConfig, checks: DataCheck[], at: string, out: ConfigProblem[], totals?: string[]): void {
  const names = new Set(table.columns.map((c) => c.name));
  checks.forEach((check, i) => {
    if (check.kind === 'notNull') {
      check.columns.forEach((c, j) => {
        if (!names.has(c)) out.push({ path: `${at}[${i}].columns[${j}]`, message: `"${c}" is not one of the table's columns` });
      });
    } else if (check.kind === 'sum') {
      const column = table.columns.find((c) => c.name === check.column);
      if (!column) out.push({ path: `${at}[${i}].column`, message: `"${check.column}" is not one of the table's columns` });
      else if (column.type !== 'integer' && column.type !== 'decimal') out.push({ path: `${at}[${i}].column`, message: `column "${check.column}" is of type ${column.type}; a sum needs an integer or decimal column` });
      if (totals && !totals.includes(check.total)) {
        out.push({ path: `${at}[${i}].total`, message: `no step of the stream reads a total "${check.total}" (its totals: ${totals.join(', ') || 'none'})` });
      }
    } else if (check.minRatio === undefined && check.maxRatio === undefined) {
      out.push({ path: `${at}[${i}]`, message: 'a rowCount check needs minRatio, maxRatio or both' });
    } else if (check.minRatio !== undefined && check.maxRatio !== undefined && check.minRatio > check.maxRatio) {
      out.push({ path: `${at}[${i}]`, message: `minRatio ${check.minRatio} is above maxRatio ${check.maxRatio}: no count passes` });
    }
  });
}
