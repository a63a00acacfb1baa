/**
 * Property chunking: a vendor that caps the fields of one request (GA4 runReport: at most
 * 10 metrics; HubSpot: a 414 when a GET names hundreds of properties) is called once per
 * chunk of the field list, for the same page, and the chunks' records are merged by key
 * into one record each before the CSV. The grammar, its checks and the merge; pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, shape } from './schema-parts';
import { bodyPathProblem } from './body-paths';
import { parsePath, readPath } from './source-path';
import type { ConfigProblem } from './validate-paths';

export const PropertyChunks = shape('PropertyChunks', 'Property chunks', Type.Object(
  {
    fields: Type.Optional(
      doc(
        Type.Array(Type.Unknown(), { minItems: 1, maxItems: 10_000 }),
        'The whole field list, as the vendor takes it (names, or objects such as GA4\'s `{"name": "sessions"}`). Give `fields` or `fieldsFrom`.',
        [{ name: 'sessions' }, { name: 'totalUsers' }],
      ),
    ),
    fieldsFrom: Type.Optional(
      Expression(
        'Expression over `inputs`, `window` and `customer` giving the field list (an array), for a list a customer chooses. Give `fields` or `fieldsFrom`.',
        'inputs.properties',
      ),
    ),
    size: doc(Type.Integer({ minimum: 1, maximum: 10_000 }), 'Most fields in one request: the vendor\'s cap (GA4: 10 metrics).', 10),
    param: doc(
      Type.String({ minLength: 1, maxLength: 200 }),
      'Where a chunk goes: a query parameter, or with `in: "body"` a field of the JSON body (a dotted path sets a nested one). It replaces any value the request itself has there.',
      'metrics',
    ),
    in: Type.Optional(doc(Type.Union([Type.Literal('query'), Type.Literal('body')]), 'Query string (the chunk joined by `separator`) or JSON body (the chunk as an array). Default body.', 'body')),
    separator: Type.Optional(doc(Type.String({ minLength: 1, maxLength: 8 }), 'With `in: "query"`: what joins a chunk\'s fields into one value. Default `,`.', ',')),
    mergeKey: doc(
      Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 20 }),
      'Plain paths from `record` whose values together identify a record in every chunk\'s answer (a CRM object\'s id; a report row\'s dimension values). A record missing from one chunk, or two records with one key in a chunk, fail the run naming the key.',
      ['record.dimensionValues'],
    ),
    concat: Type.Optional(
      doc(
        Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 20 }),
        'Plain paths from `record` of arrays that are appended in chunk order rather than merged (GA4\'s `metricValues`, one value per metric requested, in the order requested: with two chunks, the second chunk\'s metrics follow the first\'s). Everything else is merged object by object, a later chunk\'s value kept where both have one.',
        ['record.metricValues'],
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Splits a field list into chunks of `size`, calls the step\'s request once per chunk for every page (each with the same pagination parameters; the first chunk\'s answer decides the next page), and merges the records of the chunks by `mergeKey` into one record each before the CSV. The page stored is the merged records (a JSON array) and the chunks\' answers beside it. Pages of the chunks must hold the same records: sort them (GA4 `orderBys` on the dimensions, `keepEmptyRows`).',
  },
));

export type PropertyChunksConfig = Static<typeof PropertyChunks>;

/** The list split into chunks of at most `size`, in order. */
export function chunksOf<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const keyPaths = (paths: readonly string[]): string[][] => paths.map((p) => parsePath(p, ['record'])?.keys ?? []);

/** Problems of a step's `chunk`, each at its path (`at` is the chunk's own path). */
export function chunkProblems(chunk: PropertyChunksConfig, at: string, out: ConfigProblem[]): void {
  const given = ['fields', 'fieldsFrom'].filter((f) => Object.hasOwn(chunk, f));
  if (given.length !== 1) out.push({ path: at, message: given.length ? 'give "fields" or "fieldsFrom", not both' : 'needs "fields" (the list) or "fieldsFrom" (an expression giving it)' });
  if ((chunk.in ?? 'body') === 'body') {
    const problem = bodyPathProblem(chunk.param);
    if (problem) out.push({ path: `${at}.param`, message: problem });
  } else if (chunk.fields?.some((f) => typeof f !== 'string' && typeof f !== 'number')) {
    out.push({ path: `${at}.fields`, message: 'fields sent in the query are joined into one value, so each must be a string or a number' });
  } else {
    const separator = chunk.separator ?? ',';
    const split = chunk.fields?.findIndex((f) => String(f).includes(separator)) ?? -1;
    if (split >= 0) out.push({ path: `${at}.fields[${split}]`, message: `holds the separator ${JSON.stringify(separator)}, so it would be read as two fields` });
  }
  if (chunk.separator !== undefined && chunk.in !== 'query') out.push({ path: `${at}.separator`, message: 'only joins fields sent in the query ("in": "query")' });
  for (const field of ['mergeKey', 'concat'] as const) {
    chunk[field]?.forEach((path, i) => {
      const parsed = parsePath(path, ['record']);
      if (!parsed || parsed.keys.length === 0) out.push({ path: `${at}.${field}[${i}]`, message: `"${path}" is not a plain path from record (record.id, record.dimensionValues, record["hs-id"])` });
    });
  }
}

/** A record's merge key: its values at the key paths, as JSON (so arrays and objects compare by value). */
export function mergeKeyOf(record: unknown, paths: readonly string[]): string {
  return JSON.stringify(keyPaths(paths).map((keys) => readPath(record, keys) ?? null));
}

/** Why a chunk's records cannot be merged; the run fails with it. */
export class ChunkMergeError extends Error {}

/**
 * The chunks' records (one array per chunk, in chunk order) merged into one record per key,
 * in the first chunk's order. Memory: every chunk's records of one page are held at once,
 * so a page costs (chunks × page size) records; nothing beyond one page is kept.
 */
export function mergeChunkRecords(chunks: readonly unknown[][], chunk: Pick<PropertyChunksConfig, 'mergeKey' | 'concat'>): unknown[] {
  const concat = keyPaths(chunk.concat ?? []).map((keys) => keys.join('\u0000'));
  const byKey = new Map<string, { record: unknown; seen: number }>();
  const order: string[] = [];
  chunks.forEach((records, c) => {
    const inThisChunk = new Set<string>();
    for (const record of records) {
      const key = mergeKeyOf(record, chunk.mergeKey);
      if (inThisChunk.has(key)) throw new ChunkMergeError(`two records of chunk ${c + 1} have the merge key ${key.slice(0, 300)}`);
      inThisChunk.add(key);
      const held = byKey.get(key);
      if (c === 0) {
        byKey.set(key, { record, seen: 1 });
        order.push(key);
      } else if (!held) {
        throw new ChunkMergeError(`chunk ${c + 1} has a record with the merge key ${key.slice(0, 300)} that chunk 1 does not have: the chunks' pages hold different records (sort them the same way)`);
      } else {
        held.record = mergeRecord(held.record, record, concat, []);
        held.seen++;
      }
    }
    if (c > 0) {
      const missing = order.find((key) => byKey.get(key)!.seen !== c + 1);
      if (missing) throw new ChunkMergeError(`the record with the merge key ${missing.slice(0, 300)} is missing from chunk ${c + 1}: the chunks' pages hold different records (sort them the same way)`);
    }
  });
  return order.map((key) => byKey.get(key)!.record);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeRecord(a: unknown, b: unknown, concat: readonly string[], at: string[]): unknown {
  if (Array.isArray(a) && Array.isArray(b) && concat.includes(at.join('\u0000'))) return [...a, ...b];
  if (!isPlainObject(a) || !isPlainObject(b)) return b === undefined || b === null ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [name, value] of Object.entries(b)) {
    // Own fields only, defined on the copy: a field named __proto__ stays a field.
    const merged = Object.hasOwn(a, name) ? mergeRecord(a[name], value, concat, [...at, name]) : value;
    Object.defineProperty(out, name, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
