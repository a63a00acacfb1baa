/**
 * The calls between an async job's final poll and its file (`download.resolve`): each hop
 * takes what it needs from the answer before it (`value`), makes its call, and its answer
 * becomes the `response` the next hop (or `download.url`) reads. Amazon SP-API reports:
 * getReport's `reportDocumentId` → getReportDocument → a pre-signed `url`.
 *
 * They run inside the download activity, just before the file is fetched: a pre-signed URL
 * is a credential and often expires within minutes, so it is never carried through workflow
 * history nor kept from one attempt to the next (a retried download resolves again; every
 * hop is a read). Each answer is stored beside the job's poll answer, for whoever debugs a run.
 */
import type { ExpressionScope } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import type { PageCompression } from '../../core/contracts';
import type { ObjectStore } from '../../adapters/object-store';
import { finalFailure } from '../../activities/failures';
import { readText, type VendorClient } from '../../activities/vendor-client';
import { ANSWERED_COMPRESSIONS, type AsyncStepConfig } from './grammar';

type Download = NonNullable<AsyncStepConfig['download']>;
export type AnsweredCompression = PageCompression;

/** What a hop needs of its environment: the scope's `response` holds the previous answer on entry, the last hop's on return. */
export interface HopContext {
  client: VendorClient;
  scope: ExpressionScope;
  store: ObjectStore;
  /** The step's place in the config (`vendor: $.streams.s.steps[0]`). */
  where: string;
  /** Where the hops' answers are kept (the job's raw prefix). */
  prefix: string;
  /** Evaluates an expression, a failure of it final and scrubbed. */
  evaluate: (expression: string, where: string) => unknown;
}

export async function resolveHops(download: Download, c: HopContext): Promise<void> {
  for (const [index, hop] of (download.resolve ?? []).entries()) {
    const at = `${c.where}.download.resolve[${index}]`;
    const value = c.evaluate(hop.value, `${at}.value`);
    if (value === undefined || value === null || value === '') {
      throw finalFailure('DataError', `${at}.value gave nothing (${value === '' ? 'an empty string' : String(value)}) from the answer before this hop`);
    }
    c.scope.setJson('value', JSON.stringify(value));
    const response = await c.client.send(hop.request, c.scope, `${at}.request`);
    // Scrubbed of every secret before it is stored or read, as stored pages are.
    const text = c.client.scrub(await readText(response.body));
    await c.store.put(`${c.prefix}/resolve-${index + 1}.json`, text, 'application/json');
    try {
      c.scope.setJson('response', text);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      throw finalFailure('DataError', c.client.scrub(`${at}: ${response.label} answered ${response.status} with a body that is not JSON (${text.slice(0, 120)})`));
    }
  }
}

/**
 * The file's compression as the answer names it (`download.compression`), or undefined to
 * keep the step's `decode.compression`. A value DIF does not know fails: guessing would
 * decode the file as something it is not.
 */
export function answeredCompression(download: Download, c: Pick<HopContext, 'where' | 'evaluate'>): AnsweredCompression | undefined {
  if (!download.compression) return undefined;
  const at = `${c.where}.download.compression`;
  const value = c.evaluate(download.compression, at);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && (ANSWERED_COMPRESSIONS as readonly string[]).includes(value)) return value as AnsweredCompression;
  throw finalFailure('DataError', `${at} gave ${JSON.stringify(value)}; expected one of ${ANSWERED_COMPRESSIONS.join(', ')} (or null to keep decode.compression)`);
}
