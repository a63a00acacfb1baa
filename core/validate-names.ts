/**
 * Names a config gives (streams, steps, inputs, credentials, columns, tables) checked for
 * what a JSON Schema pattern cannot see: names that JavaScript objects already answer to,
 * tables that are DIF's own, keys repeated, two streams disagreeing about one table, and
 * stream names too long for the workflow ids built from them.
 */
import type { VendorConfigDocument } from './config-schema';
import { authSecretNames } from '../auth/grammar-registry';
import { bodyPathProblem } from './body-paths';
import type { PaginationConfig } from '../steps/shared/grammar';
import { childPath, type ConfigProblem } from './validate-paths';

/**
 * Names every plain object answers to through its prototype: `row.constructor` is
 * `Object`, so a column named `constructor` wrote `function Object() { [native code] }`
 * into the cell, and an input named so was never "missing". Refused for every name that
 * becomes a property key somewhere (`inputs.x`, `secrets.x`, `record.x`, a stream map).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** DIF's own warehouse tables (dif_load_audit, dif_fencing, dif_schema_history) and any it adds later share this prefix. */
export const DIF_TABLE_PREFIX = 'dif_';

/** Postgres refuses a table of more than 1,600 columns (Redshift likewise). */
export const MAX_TABLE_COLUMNS = 1_600;
/** Columns DIF adds to every table (adapters/warehouse/table-plan.ts): _dif_customer, _dif_run_id, _dif_extracted_at, _dif_loaded_at. */
export const DIF_COLUMNS = 4;

/**
 * Temporal refuses a workflow id longer than 1,000 characters (`limit.maxIDLength`).
 * The longest id DIF builds is a backfill of chosen streams (cli/backfill/backfill.ts):
 *   backfill/<vendor>/<customer>/<stream>+<stream>…/<YYYY-MM-DD>..<YYYY-MM-DD>/<days>d
 * with vendor ≤ 63 characters (schema), customer ≤ 100 (run-plan.ts checkName), and a
 * window length of at most 6 digits; what remains is the budget for the stream names,
 * each followed by one separator. Every other id (a run's `vendor/customer/stream/window`,
 * a schedule's) is shorter. test/unit/core/validate-names.test.ts builds the real
 * id at this limit to keep the arithmetic honest.
 */
export const TEMPORAL_MAX_ID = 1_000;
const BACKFILL_FIXED = 'backfill/'.length + 63 + 1 + 100 + 1 + 'YYYY-MM-DD..YYYY-MM-DD'.length + 1 + 6 + 'd'.length;
/** Sum over all streams of (name length + 1 separator) that keeps every workflow id within Temporal's limit. */
export const STREAM_NAMES_BUDGET = TEMPORAL_MAX_ID - BACKFILL_FIXED;
/** Identifiers (a stream name is one) are at most 63 characters: Postgres's identifier limit, and file_manifest.stream is VARCHAR(64). */
export const MAX_NAME = 63;

export function nameProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  const reserved = (name: string, path: string, what: string) => {
    if (RESERVED_NAMES.has(name)) out.push({ path, message: `"${name}" cannot be a${/^[aeiou]/.test(what) ? 'n' : ''} ${what} name: every JavaScript object already has a property of that name` });
  };
  config.inputs.forEach((input, i) => reserved(input.name, `$.inputs[${i}].name`, 'input'));
  authSecretNames(config.auth).forEach((name) => reserved(name, '$.auth', 'credential'));

  const streamNames = Object.keys(config.streams);
  const used = streamNames.reduce((sum, name) => sum + name.length + 1, 0);
  if (used > STREAM_NAMES_BUDGET) {
    out.push({ path: '$.streams', message: `stream names take ${used} characters in all (each plus one); at most ${STREAM_NAMES_BUDGET} fit in a Temporal workflow id of a backfill (limit ${TEMPORAL_MAX_ID})` });
  }

  const tables = new Map<string, { stream: string; shape: string; key: string }>();
  for (const [streamName, stream] of Object.entries(config.streams)) {
    const at = childPath('$.streams', streamName);
    reserved(streamName, at, 'stream');
    if (streamName.length > MAX_NAME) out.push({ path: at, message: `stream name is ${streamName.length} characters; at most ${MAX_NAME}` });
    stream.steps.forEach((step, i) => reserved(step.name, `${at}.steps[${i}].name`, 'step'));
    stream.steps.forEach((step, i) => bodyParameterProblems(step, `${at}.steps[${i}]`, out));

    const table = stream.table;
    if (table.name.startsWith(DIF_TABLE_PREFIX)) {
      out.push({ path: `${at}.table.name`, message: `"${table.name}": names starting with "${DIF_TABLE_PREFIX}" are DIF's own tables (dif_load_audit, dif_fencing, dif_schema_history); choose another` });
    }
    table.columns.forEach((column, i) => reserved(column.name, `${at}.table.columns[${i}].name`, 'column'));
    // With load.softDelete, DIF's _dif_deleted marker too.
    const ours = DIF_COLUMNS + (table.load?.softDelete ? 1 : 0);
    const total = table.columns.length + ours;
    if (total > MAX_TABLE_COLUMNS) {
      out.push({ path: `${at}.table.columns`, message: `${table.columns.length} columns plus DIF's ${ours} make ${total}; a warehouse table holds at most ${MAX_TABLE_COLUMNS}` });
    }
    const seenKey = new Set<string>();
    table.primaryKey.forEach((key, i) => {
      if (seenKey.has(key)) out.push({ path: `${at}.table.primaryKey[${i}]`, message: `"${key}" is already in the primary key` });
      seenKey.add(key);
    });

    // Two streams may load one table only if they agree on what it is: otherwise the
    // second load would alter or fail on the table the first created.
    const shape = JSON.stringify(table.columns.map((c) => [c.name, c.type, c.pii ?? null]));
    const key = JSON.stringify(table.primaryKey);
    const first = tables.get(table.name);
    if (!first) tables.set(table.name, { stream: streamName, shape, key });
    else if (first.shape !== shape || first.key !== key) {
      out.push({
        path: `${at}.table`,
        message: `writes table "${table.name}" like stream "${first.stream}" but with ${first.shape !== shape ? 'other columns (names, types or pii)' : 'another primary key'}; streams sharing a table must declare it alike`,
      });
    }
  }
}

/** Pagination parameters written into a JSON body: dotted paths to fields, never to a prototype, in an object body. */
function bodyParameterProblems(step: object, at: string, out: ConfigProblem[]): void {
  const pagination = (step as { pagination?: PaginationConfig }).pagination;
  if (!pagination || !('in' in pagination) || pagination.in !== 'body') return;
  const names: [string, string | undefined][] =
    pagination.kind === 'cursor' ? [['param', pagination.param]]
    : pagination.kind === 'offset' ? [['offsetParam', pagination.offsetParam], ['limitParam', pagination.limitParam]]
    : [['pageParam', pagination.pageParam], ['sizeParam', pagination.sizeParam]];
  for (const [field, name] of names) {
    const problem = name === undefined ? undefined : bodyPathProblem(name);
    if (problem) out.push({ path: `${at}.pagination.${field}`, message: problem });
  }
  const body = (step as { request?: { body?: unknown } }).request?.body;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    out.push({ path: `${at}.request.body`, message: 'is not a JSON object, so the pagination (in: "body") has nowhere to put its parameters' });
  }
}
