/**
 * One page of a step whose fields are fetched in chunks (`chunk`, core/property-chunks.ts):
 * the same page asked for once per chunk of the field list, each answer stored beside the
 * page, their records merged by key and stored as the page (a JSON array of records).
 * Memory: one page's records of every chunk at once (page size × chunks records), never
 * more than one page.
 */
import { ChunkMergeError, chunksOf, mergeChunkRecords, type PropertyChunksConfig } from '../../core/property-chunks';
import { pageChunkKey, pageKey } from '../../core/run-plan';
import type { PageState } from '../../core/pagination';
import type { ActivityDeps } from '../../activities/deps';
import type { RequestExtras } from '../../activities/http-request';
import { finalFailure } from '../../activities/failures';
import { readText, type VendorClient, type VendorResponse } from '../../activities/vendor-client';
import type { ExpressionScope } from '../../runtime/expression/expression';
import type { PaginatedStepConfig } from './grammar';

export interface ChunkedPage {
  /** The first chunk's answer: it decides the next page. Its body is read already. */
  response: VendorResponse;
  text: string;
}

/** The field list of `chunk`, as given or from `fieldsFrom`; a DataError when that is not a non-empty array. */
export function chunkFields(chunk: PropertyChunksConfig, scope: ExpressionScope, where: string): unknown[] {
  const fields = chunk.fields ?? scope.evaluate(chunk.fieldsFrom!, `${where}.fieldsFrom`);
  if (!Array.isArray(fields) || fields.length === 0) {
    throw finalFailure('DataError', `${where}.fieldsFrom gave ${String(JSON.stringify(fields) ?? 'undefined').slice(0, 100)}, not a non-empty list of fields`);
  }
  // Joined into one query value, a field holding the separator would be read as two.
  const separator = chunk.separator ?? ',';
  const split = chunk.in === 'query' ? fields.find((f) => String(f).includes(separator)) : undefined;
  if (split !== undefined) throw finalFailure('DataError', `${where}: the field ${JSON.stringify(String(split).slice(0, 100))} holds the separator ${JSON.stringify(separator)}`);
  return fields;
}

/** The page's extras with one chunk put where `chunk.param` says, over the pagination's own. */
function withChunk(params: RequestExtras, chunk: PropertyChunksConfig, fields: unknown[]): RequestExtras {
  if (chunk.in === 'query') return { ...params, query: { ...params.query, [chunk.param]: fields.map(String).join(chunk.separator ?? ',') } };
  return { ...params, body: { ...params.body, [chunk.param]: fields } };
}

export async function fetchChunkedPage(
  deps: ActivityDeps,
  client: VendorClient,
  scope: ExpressionScope,
  step: PaginatedStepConfig & { chunk: PropertyChunksConfig },
  where: string,
  prefix: string,
  state: PageState,
  params: RequestExtras,
  checkVendorError: (label: string) => void,
): Promise<ChunkedPage> {
  const chunks = chunksOf(chunkFields(step.chunk, scope, `${where}.chunk`), step.chunk.size);
  const records: unknown[][] = [];
  let first: ChunkedPage | undefined;
  for (const [c, fields] of chunks.entries()) {
    const key = pageChunkKey(prefix, state.page, c + 1);
    // Read and stored inside the request's retries: a body cut short is asked for again.
    const { response, text } = await client.request(step.request, scope, `${where}.request`, async (answer) => {
      const read = client.scrub(await readText(answer.body));
      await deps.objectStore.put(key, read, answer.headers['content-type']);
      return { response: answer, text: read };
    }, withChunk(params, step.chunk, fields));
    const label = `${response.label}: page ${state.page}, chunk ${c + 1} of ${chunks.length}`;
    try {
      scope.setJson('response', text);
    } catch (e) {
      throw finalFailure('DataError', `${label} (${key}) is not valid JSON: ${(e as Error).message}`);
    }
    scope.setJson('headers', JSON.stringify(response.headers));
    scope.setJson('status', String(response.status));
    checkVendorError(label);
    const got = scope.evaluate(step.records ?? 'response', `${where}.records`);
    if (!Array.isArray(got)) throw finalFailure('DataError', `${where}.records did not give an array on ${label} (${key})`);
    records.push(got);
    first ??= { response, text };
  }
  let merged: unknown[];
  try {
    merged = mergeChunkRecords(records, step.chunk);
  } catch (e) {
    if (e instanceof ChunkMergeError) throw finalFailure('DataError', client.scrub(`${where}.chunk.mergeKey: page ${state.page} (${pageKey(prefix, state.page)}): ${e.message}`));
    throw e;
  }
  await deps.objectStore.put(pageKey(prefix, state.page), JSON.stringify(merged), 'application/json');
  return first!;
}
