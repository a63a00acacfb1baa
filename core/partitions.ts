/**
 * Partitions of a stream: one customer, many accounts. A partitioned stream runs once per
 * partition (an ad account, a property, a profile); each run sees its id as `partition`,
 * writes it into the table's `metadata: "partition"` column, which is part of the merge
 * key, so partitions never overwrite each other's rows. The ids come from a customer's
 * list input (static) or from the rows of another stream of the same vendor (discovered:
 * "every ad account this token can read"). Pure: the grammar, the checks of a config and
 * of the ids a run is given.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Identifier, shape } from './schema-parts';
import type { ConfigProblem } from './validate';
import type { VendorConfigDocument } from './config-schema';

/** Partitions one run starts at most, unless the config says fewer: each is a child workflow in the run's history. */
export const MAX_PARTITIONS = 1000;
export const DEFAULT_MAX_PARTITIONS = 500;
export const DEFAULT_PARTITION_CONCURRENCY = 4;
/** The failure type of a run whose partitions did not all load; its details are `{ failed: string[], outcomes }`. */
export const PARTITIONS_FAILED = 'PartitionsFailed';

/**
 * What a partition id may hold: it is part of workflow ids, object keys and URLs. Vendors'
 * account ids (`act_123`, `1234567890`, `amzn1.…`, `ENTITY:42`) fit; `/`, spaces and
 * anything that would need escaping do not.
 */
const PARTITION_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

export const PartitionsSpec = shape('Partitions', 'Partitions', Type.Object(
  {
    input: Type.Optional(
      doc(Identifier, 'A `type: "list"` input of the customer: the stream runs once per value (static partitions).', 'customer_ids'),
    ),
    stream: Type.Optional(
      doc(
        Identifier,
        'Another stream of this vendor whose rows list the partitions (discovered partitions, e.g. every ad account the token ' +
          'can read): it runs first, for the same window, is loaded into its own table, and its `column` gives the ids.',
        'ad_accounts',
      ),
    ),
    column: Type.Optional(doc(Identifier, 'With `stream`: the column of that stream\'s table holding each partition\'s id.', 'account_id')),
    concurrency: Type.Optional(
      doc(Type.Integer({ minimum: 1, maximum: 20 }), `Partitions running at once (default ${DEFAULT_PARTITION_CONCURRENCY}); the vendor's semaphore still bounds calls.`, 4),
    ),
    max: Type.Optional(
      doc(
        Type.Integer({ minimum: 1, maximum: MAX_PARTITIONS }),
        `At most this many partitions per run (default ${DEFAULT_MAX_PARTITIONS}); a customer with more fails the run before any starts, naming the count.`,
        200,
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Runs the stream once per partition (an account, a property, a profile), from a list input or from the rows of another stream. ' +
      'Each run sees its id as `partition` (`{{partition}}` in templates); the table needs a column with `metadata: "partition"` in its primary key. ' +
      'A partition that fails does not fail the others\' loads; the run then fails naming the failed ones, and `dif retry <workflow id>` runs only those.',
  },
));

export type Partitions = Static<typeof PartitionsSpec>;

/** Where a run's partitions come from, as the workflow needs to know it (RunPlan.partitions). */
export type PartitionSource =
  | { from: 'input'; ids: string[]; concurrency: number }
  | { from: 'stream'; stream: string; column: string; max: number; concurrency: number };

/** Why `id` cannot be a partition id, or undefined when it can. */
export function partitionIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' && typeof id !== 'number') return `is ${id === null ? 'null' : typeof id}, not a string`;
  const text = String(id);
  if (!PARTITION_ID.test(text)) {
    return `${JSON.stringify(text.slice(0, 60))} is not a partition id: letters, digits and _ . : @ -, starting with a letter or digit, at most 128 characters`;
  }
  return undefined;
}

/**
 * The ids of a list input as partitions: distinct, in the customer's order, each a valid
 * id, at most `max`. A plain string is a list of one (an input that was a single account
 * before the vendor's stream was partitioned keeps working). Throws with the place named.
 */
export function partitionIdsOf(value: unknown, where: string, max: number): string[] {
  const list = typeof value === 'string' || typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list)) throw new Error(`${where} must be a list of ids`);
  if (list.length === 0) throw new Error(`${where} is an empty list: there is no partition to run`);
  const ids: string[] = [];
  list.forEach((item, i) => {
    const problem = partitionIdProblem(item);
    if (problem) throw new Error(`${where}[${i}] ${problem}`);
    if (!ids.includes(String(item))) ids.push(String(item));
  });
  if (ids.length > max) throw new Error(`${where} holds ${ids.length} partitions; at most ${max} per run`);
  return ids;
}

/** The problems of every stream's `partitions`, and of partition columns, each with its JSON path. */
export function partitionProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  for (const [name, stream] of Object.entries(config.streams)) {
    const at = `$.streams.${name}`;
    const partitionColumns = stream.table.columns.flatMap((c, i) => (c.metadata === 'partition' ? [{ column: c, i }] : []));
    const p = stream.partitions;
    if (!p) {
      for (const { i } of partitionColumns) out.push({ path: `${at}.table.columns[${i}].metadata`, message: '"partition" needs the stream to have `partitions`' });
      continue;
    }
    if ((p.input === undefined) === (p.stream === undefined)) {
      out.push({ path: `${at}.partitions`, message: 'takes exactly one of "input" (a list input) or "stream" (a stream listing them)' });
    }
    if (p.input !== undefined) {
      const input = config.inputs.find((x) => x.name === p.input);
      if (!input) out.push({ path: `${at}.partitions.input`, message: `"${p.input}" is not one of the vendor's inputs` });
      else if (input.type !== 'list') out.push({ path: `${at}.partitions.input`, message: `input "${p.input}" is of type ${input.type}; partitions come from a "list" input` });
      if (p.column !== undefined) out.push({ path: `${at}.partitions.column`, message: 'goes with "stream"; a list input is the ids themselves' });
    }
    if (p.stream !== undefined) {
      const source = config.streams[p.stream];
      if (!source) out.push({ path: `${at}.partitions.stream`, message: `"${p.stream}" is not one of the vendor's streams` });
      else if (p.stream === name || source.partitions) {
        out.push({ path: `${at}.partitions.stream`, message: `"${p.stream}" cannot list partitions: it is ${p.stream === name ? 'this stream' : 'itself partitioned'}` });
      } else if (p.column === undefined) {
        out.push({ path: `${at}.partitions`, message: 'missing required field "column": which column of the listing stream holds the ids' });
      } else if (!source.table.columns.some((c) => c.name === p.column)) {
        out.push({ path: `${at}.partitions.column`, message: `"${p.column}" is not a column of stream ${p.stream}'s table` });
      }
    }
    if (partitionColumns.length !== 1) {
      out.push({
        path: `${at}.table.columns`,
        message: `a partitioned stream needs exactly one column with metadata "partition" (found ${partitionColumns.length}), so each row names its partition`,
      });
    } else if (!stream.table.primaryKey.includes(partitionColumns[0].column.name)) {
      out.push({
        path: `${at}.table.primaryKey`,
        message: `must include "${partitionColumns[0].column.name}", the partition column: without it, partitions overwrite each other's rows`,
      });
    }
  }
}
