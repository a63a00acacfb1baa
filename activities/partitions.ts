/**
 * Where a partitioned stream's partitions come from, for prepareRun (a list input, read
 * here) and for the workflow (a listing stream's CSV, read by the `partitionIds` activity
 * once that stream's run has written it).
 */
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { InputSpec } from '../core/config-schema';
import type { Static } from '@sinclair/typebox';
import type { IngestRequest } from '../core/run-plan';
import { keyOfUrl, type Manifest } from '../core/output-plan';
import {
  DEFAULT_MAX_PARTITIONS,
  DEFAULT_PARTITION_CONCURRENCY,
  partitionIdProblem,
  partitionIdsOf,
  type PartitionSource,
  type Partitions,
} from '../core/partitions';
import { finalFailure } from './failures';
import type { ActivityDeps } from './deps';

/**
 * The partitions the workflow fans out to, for a run of the whole stream; undefined for
 * an unpartitioned stream and for a run of one partition (whose id is checked here: a
 * listed partition must be one of the customer's list).
 */
export function runPartitions(
  declared: Static<typeof InputSpec>[],
  inputs: Record<string, unknown>,
  spec: Partitions | undefined,
  request: IngestRequest,
): PartitionSource | undefined {
  const who = `customer "${request.customer}"`;
  if (!spec) {
    if (request.partition !== undefined) throw finalFailure('InputError', `stream "${request.stream}" of ${request.vendor} has no partitions; a run of partition "${request.partition}" cannot be`);
    return undefined;
  }
  const max = spec.max ?? DEFAULT_MAX_PARTITIONS;
  const concurrency = spec.concurrency ?? DEFAULT_PARTITION_CONCURRENCY;
  let ids: string[] | undefined;
  if (spec.input !== undefined) {
    const input = declared.find((d) => d.name === spec.input);
    try {
      ids = partitionIdsOf(Object.hasOwn(inputs, spec.input) ? inputs[spec.input] : undefined, `input "${input?.name ?? spec.input}" of ${who}`, max);
    } catch (e) {
      throw finalFailure('InputError', (e as Error).message);
    }
  }
  if (request.partition !== undefined) {
    const problem = partitionIdProblem(request.partition);
    if (problem) throw finalFailure('InputError', `partition ${problem}`);
    if (ids && !ids.includes(request.partition)) {
      throw finalFailure('InputError', `partition "${request.partition}" is not in input "${spec.input}" of ${who} (${ids.length} partition(s))`);
    }
    return undefined;
  }
  if (ids) return { from: 'input', ids, concurrency };
  return { from: 'stream', stream: spec.stream!, column: spec.column!, max, concurrency };
}

export interface PartitionIdsInput {
  vendor: string;
  customer: string;
  /** The listing stream, for messages. */
  stream: string;
  /** The manifest of the listing run's CSV (its summary's csvObject). */
  csvKey: string;
  column: string;
  max: number;
}

/**
 * The distinct ids of `column` in a listing run's CSV, in row order. Reads the CSV DIF
 * wrote (typed, filtered by the table's `where`, PII-protected where declared), not the
 * vendor's raw pages: the listing stream's columns say what an id is. Empty cells are
 * skipped; an id DIF cannot use fails the run naming it, as do more than `max` ids.
 */
export function partitionIdsActivity(deps: ActivityDeps) {
  return async function partitionIds(input: PartitionIdsInput): Promise<string[]> {
    const store = deps.objectStore;
    const manifest = JSON.parse(await store.getText(input.csvKey)) as Manifest;
    const ids: string[] = [];
    const seen = new Set<string>();
    const where = `stream ${input.stream} of ${input.vendor} for customer "${input.customer}"`;
    for (const entry of manifest.entries) {
      const raw: Readable = await store.getStream(keyOfUrl(store.location, entry.url));
      const rows = (entry.url.endsWith('.gz') ? raw.pipe(createGunzip()) : raw).pipe(parse({ columns: true }));
      for await (const row of rows as AsyncIterable<Record<string, string>>) {
        if (!Object.hasOwn(row, input.column)) throw finalFailure('ConfigError', `${where}: its CSV has no column "${input.column}"`);
        const id = row[input.column];
        if (id === '' || seen.has(id)) continue;
        const problem = partitionIdProblem(id);
        if (problem) throw finalFailure('InputError', `${where}: column ${input.column}: ${problem}`);
        seen.add(id);
        ids.push(id);
        if (ids.length > input.max) throw finalFailure('InputError', `${where} lists more than ${input.max} partitions; raise partitions.max (at most 1000) or narrow the listing stream's where`);
      }
    }
    if (ids.length === 0) throw finalFailure('InputError', `${where} lists no partition: nothing to run`);
    return ids;
  };
}
