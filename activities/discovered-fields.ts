/**
 * A stream's discovered fields (`discover`, core/discovered-fields.ts): listed once per run
 * by the first fetch, before its first page, and stored with the run, so a retried attempt,
 * the CSV and the load all see the same columns. The policy is applied here, against the
 * warehouse table as it is before the run: a `freeze` failure stops the run before any page
 * is fetched.
 */
import { Context } from '@temporalio/activity';
import type { RunContext } from '../core/contracts';
import type { StreamConfig, TableConfig, VendorConfig } from '../core/config-schema';
import { DiscoveredFieldError, discoveredColumns, FrozenFieldsError, underPolicy, withDiscoveredColumns, type DiscoveredColumn } from '../core/discovered-fields';
import { runPrefix } from '../core/run-plan';
import { parsePath, readPath } from '../core/source-path';
import type { ExpressionScope } from '../runtime/expression/expression';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';
import { readText, type VendorClient } from './vendor-client';

export interface Discovery {
  /** Every field name the vendor listed (that `where` kept): requests read them as `discovered`. */
  listed: string[];
  /** The columns this run loads after the declared ones. */
  columns: DiscoveredColumn[];
  /** New fields the `ignore` policy left out. */
  dropped: DiscoveredColumn[];
}

const discoveryKey = (run: RunContext): string => `${runPrefix('raw', run, run.runId)}/discovered-fields.json`;

/** The run's discovery: the stored one, or the fields listed now, judged by the policy and stored. */
export async function discoverFields(deps: ActivityDeps, client: VendorClient, config: VendorConfig, run: RunContext, scope: ExpressionScope): Promise<Discovery> {
  const key = discoveryKey(run);
  if (await deps.objectStore.exists(key)) return JSON.parse(await deps.objectStore.getText(key)) as Discovery;
  const stream = config.streams[run.stream];
  const spec = stream.discover!;
  const where = `${run.vendor}: $.streams.${run.stream}.discover`;
  const response = await client.send(spec.request, scope, `${where}.request`);
  const text = client.scrub(await readText(response.body));
  try {
    scope.setJson('response', text);
  } catch (e) {
    throw finalFailure('DataError', `${response.label}: the list of fields is not valid JSON: ${(e as Error).message}`);
  }
  const fields = scope.evaluate(spec.fields, `${where}.fields`);
  if (!Array.isArray(fields)) throw finalFailure('DataError', `${where}.fields did not give an array from ${response.label}`);
  const nameKeys = parsePath(spec.name, ['field'])!.keys;
  const typeKeys = parsePath(spec.type, ['field'])!.keys;
  const listed: { field: unknown; vendorType: unknown }[] = [];
  for (const field of fields) {
    if (spec.where) {
      scope.setJson('field', JSON.stringify(field));
      if (!scope.evaluate(spec.where, `${where}.where`)) continue;
    }
    listed.push({ field: readPath(field, nameKeys), vendorType: readPath(field, typeKeys) });
  }
  let discovery: Discovery;
  try {
    const columns = discoveredColumns(listed, spec, stream.table.columns.map((c) => c.name));
    const { keep, dropped } = underPolicy(columns, await deps.warehouse.columnsOf(stream.table.name), spec.policy);
    discovery = { listed: listed.map((l) => l.field as string), columns: keep, dropped };
  } catch (e) {
    if (!(e instanceof DiscoveredFieldError)) throw e;
    throw finalFailure(e instanceof FrozenFieldsError ? 'TableShapeError' : 'DataError', client.scrub(`${where}: table ${stream.table.name}: ${e.message}`));
  }
  if (discovery.dropped.length) {
    Context.current().log.info(`${where}: new fields left out (policy ignore): ${discovery.dropped.map((c) => c.field).join(', ').slice(0, 2000)}`);
  }
  await deps.objectStore.put(key, JSON.stringify(discovery), 'application/json');
  return discovery;
}

/** The table the run writes: the stream's, with its discovered columns when it has `discover`. */
export async function runTable(deps: ActivityDeps, run: RunContext, stream: StreamConfig): Promise<TableConfig> {
  if (!stream.discover) return stream.table;
  const key = discoveryKey(run);
  if (!(await deps.objectStore.exists(key))) throw finalFailure('DataError', `${run.vendor}: $.streams.${run.stream}.discover: the run listed no fields (${key} is missing)`);
  const discovery = JSON.parse(await deps.objectStore.getText(key)) as Discovery;
  try {
    return withDiscoveredColumns(stream.table, stream.discover.values, discovery.columns);
  } catch (e) {
    if (e instanceof DiscoveredFieldError) throw finalFailure('DataError', `${run.vendor}: $.streams.${run.stream}.discover: ${e.message}`);
    throw e;
  }
}
