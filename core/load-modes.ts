/**
 * How a stream's rows land in its table. `merge` (the default): a staged row replaces the
 * row of the same key, the latest extraction winning. `replaceWindow`: the run's window of
 * that customer (and partition) is deleted and the new rows inserted, in one transaction:
 * ad platforms restate metrics, and a row the vendor no longer reports must disappear.
 * `append`: insert only, for event streams: a row whose key is there already is left as it
 * is, so re-running a window duplicates nothing and never updates. `deleteKeys`: the stream
 * is a vendor's deleted-records feed whose keys delete rows of `target`'s table
 * (core/delete-keys.ts). Pure: the grammar and its checks.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Identifier, shape } from './schema-parts';
import type { ConfigProblem } from './validate';
import type { VendorConfigDocument } from './config-schema';
import { DataCheckSpec, dataCheckProblems } from './data-checks';
import { deleteKeysProblems } from './delete-keys';
import { totalsStepsOf } from './vendor-totals';

export const LoadSpec = shape('Load', 'Load mode', Type.Object(
  {
    mode: doc(
      Type.Union([Type.Literal('merge'), Type.Literal('replaceWindow'), Type.Literal('append'), Type.Literal('deleteKeys')]),
      '`merge` (default): a row replaces the row of the same key, the latest extraction wins. `replaceWindow`: the window\'s rows ' +
        'of the customer (and partition) are deleted and the new ones inserted, in one transaction, so rows the vendor stopped ' +
        'reporting disappear. `append`: insert only; a row whose key is in the table already is left untouched. `deleteKeys`: the ' +
        'stream is the vendor\'s deleted-records feed (Salesforce sObject Get Deleted): its rows are keys of `target`\'s table, ' +
        'whose rows with those keys are deleted (marked `_dif_deleted` when the target has `softDelete`); no table of its own is created.',
      'replaceWindow',
    ),
    windowColumn: Type.Optional(
      doc(Identifier, 'With `replaceWindow`: the date or timestamp column that places a row in the run\'s window (from 00:00 of its first day to the end of its last).', 'date'),
    ),
    target: Type.Optional(
      doc(
        Identifier,
        'With `deleteKeys`: the stream (of this config) whose table loses the rows whose keys this stream lists. This stream\'s ' +
          'columns hold that table\'s whole primary key, same names and types; the delete runs under that table\'s lock, in one transaction.',
        'contacts',
      ),
    ),
    dedupBy: Type.Optional(
      doc(
        Identifier,
        'When one load holds several rows with the same key (a record that moved from one page to the next while the vendor was paged): ' +
          'the row with the greatest value of this column wins (nulls lose), e.g. `updated_at`; among equals, and without `dedupBy`, ' +
          'the last copy in the data wins (Postgres; on Redshift, whose COPY loads in parallel, which of equal copies wins is not defined).',
        'updated_at',
      ),
    ),
    softDelete: Type.Optional(
      doc(
        Identifier,
        'The column holding the vendor\'s soft-delete field (`archived`, `IsDeleted`, `deleted_at`): a boolean column, true when the ' +
          'record is deleted, or a date or timestamp column, set when it is. DIF marks such rows in its own `_dif_deleted` column ' +
          '(true or false on every row of the table), so every table says "deleted" the same way; the rows stay.',
        'archived',
      ),
    ),
    checks: Type.Optional(
      doc(
        Type.Array(DataCheckSpec),
        'Checks the warehouse runs after each load, in its transaction: `rowCount` (rows staged within a range of the previous load\'s), ' +
          '`notNull` (columns no row may leave empty), `sum` (a column\'s sum against the vendor\'s total, read by a step\'s `totals`); each `warn` (reported in the summary) or `fail` (the load is rolled back).',
        [{ kind: 'rowCount', minRatio: 0.5, maxRatio: 2, on: 'warn' }],
      ),
    ),
  },
  { additionalProperties: false, description: 'How the stream\'s rows are written into its table.' },
));

export type LoadConfig = Static<typeof LoadSpec>;

/** The problems of every table's `load`, each with its JSON path. */
export function loadModeProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  for (const [name, stream] of Object.entries(config.streams)) {
    const load = stream.table.load;
    if (!load) continue;
    const at = `$.streams.${name}.table.load`;
    if (load.dedupBy !== undefined) dedupByProblems(stream.table, load.dedupBy, `${at}.dedupBy`, out);
    if (load.softDelete !== undefined) softDeleteProblems(stream.table, load.softDelete, `${at}.softDelete`, out);
    if (load.checks !== undefined) dataCheckProblems(stream.table, load.checks, `${at}.checks`, out, totalsStepsOf(config, name).flatMap((t) => t.names));
    deleteKeysProblems(config, name, at, out);
    if (load.mode !== 'replaceWindow') {
      if (load.windowColumn !== undefined) out.push({ path: `${at}.windowColumn`, message: 'goes with mode "replaceWindow" only' });
      continue;
    }
    if (load.windowColumn === undefined) {
      out.push({ path: at, message: 'missing required field "windowColumn": mode "replaceWindow" deletes the window\'s rows by that column' });
      continue;
    }
    const column = stream.table.columns.find((c) => c.name === load.windowColumn);
    if (!column) out.push({ path: `${at}.windowColumn`, message: `"${load.windowColumn}" is not one of the table's columns` });
    else if (column.type !== 'date' && column.type !== 'timestamp') {
      out.push({ path: `${at}.windowColumn`, message: `column "${column.name}" is of type ${column.type}; a window is read from a date or timestamp column` });
    }
  }
}

/** `dedupBy` orders the copies of one key: a column of the table, not of the key, of a type that orders. */
function dedupByProblems(table: VendorConfigDocument['streams'][string]['table'], name: string, at: string, out: ConfigProblem[]): void {
  const column = table.columns.find((c) => c.name === name);
  if (!column) out.push({ path: at, message: `"${name}" is not one of the table's columns` });
  else if (table.primaryKey.includes(name)) out.push({ path: at, message: `"${name}" is part of the key: every copy of a key has the same value` });
  else if (column.type === 'boolean' || column.type === 'json') out.push({ path: at, message: `column "${name}" is of type ${column.type}, which does not say which copy is newer` });
}

/** `softDelete` names a column of the table, not of its key, that says deleted: a boolean, or a date or timestamp set when deleted. */
function softDeleteProblems(table: VendorConfigDocument['streams'][string]['table'], name: string, at: string, out: ConfigProblem[]): void {
  const column = table.columns.find((c) => c.name === name);
  if (!column) out.push({ path: at, message: `"${name}" is not one of the table's columns` });
  else if (table.primaryKey.includes(name)) out.push({ path: at, message: `"${name}" is part of the key; a deleted record keeps its key` });
  else if (!['boolean', 'date', 'timestamp'].includes(column.type)) {
    out.push({ path: at, message: `column "${name}" is of type ${column.type}; a soft-delete field is a boolean (true when deleted) or a date or timestamp (set when deleted)` });
  }
}

/** DIF's marker of a soft-deleted row, in tables whose load names a `softDelete` column. */
export const DELETED_COLUMN = '_dif_deleted';
