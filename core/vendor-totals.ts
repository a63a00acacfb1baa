/**
 * The vendor's own totals for a run (a report's summary row, a `total_spend` beside the
 * data), read by a paginated step from each page with `totals: { <name>: <expression over
 * response> }` and kept for the `sum` data checks (core/data-checks.ts). Vendors repeat the
 * report's total on every page, so the last page that gives a number wins. Pure: the
 * grammar, where they are stored, and the lookup of the names a stream declares.
 */
import { Type } from '@sinclair/typebox';
import { doc, Expression } from './schema-parts';
import type { VendorConfigDocument } from './config-schema';

export const TotalsSpec = doc(
  Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 }), Expression('The total, as a number, from the page (`response`).', 'response.summary.spend')),
  'The vendor\'s totals of the run, by name, each an expression over a page (`response`) giving a number; the last page that gives one ' +
    'wins (vendors repeat the report\'s total on every page). A `sum` data check compares a column\'s sum with one of them.',
  { spend: 'response.summary.total_spend' },
);

export type Totals = Record<string, number>;

/** Where a step's totals of one run are kept: next to its pages (core/run-plan.ts pageSetPrefix). */
export const totalsKeyOf = (rawRunPrefix: string, step: string): string => `${rawRunPrefix}/${step}/totals.json`;

/** The steps of a stream that read totals, with the names each declares. */
export function totalsStepsOf(config: VendorConfigDocument, stream: string): Array<{ step: string; names: string[] }> {
  return config.streams[stream].steps.flatMap((step) =>
    step.kind === 'paginated' && step.totals ? [{ step: step.name, names: Object.keys(step.totals) }] : [],
  );
}
