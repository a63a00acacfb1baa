/**
 * Submitting a vendor job at most once per run (issue 21, item 4). A submit's answer is the
 * only record of the job it created: lose it and a retry would create another (one run once
 * created 41). So, under the job's raw prefix:
 *   - `submit-intent.json` is written before the request leaves: a submit may have reached
 *     the vendor (method, URL, time). It is closed when the vendor answers with an error
 *     status (the job was refused, a new submit is safe);
 *   - `submit-answer.<ext>` keeps the raw answer, stored before it is parsed, so a parse that
 *     fails on one attempt re-reads it on the next instead of submitting again;
 *   - `job.json` keeps the job id once known; a retry that finds it never resubmits.
 * An open intent without a usable answer is a lost answer. It is resolved by the vendor's own
 * means where the config declares one (`submit.find` lists the vendor's jobs by `job.token`;
 * `submit.idempotent` sends the same token again and the vendor answers with the first job);
 * otherwise the run fails naming the request that may have created a job.
 */
import type { ObjectStore } from '../../adapters/object-store';
import { buildRequest } from '../../activities/http-request';
import { mayHaveArrived } from '../../activities/request-retry';
import { finalFailure, retryableFailure } from '../../activities/failures';
import { readText, type VendorClient } from '../../activities/vendor-client';
import { bodyAsJson } from '../../adapters/decode/xml';
import type { ExpressionScope } from '../../runtime/expression/expression';
import type { AsyncStepConfig } from './grammar';

export interface SubmitContext {
  step: AsyncStepConfig;
  where: string;
  /** The job's raw prefix (its keys beside the poll answers). */
  prefix: string;
  scope: ExpressionScope;
  client: VendorClient;
  store: ObjectStore;
  /** The job's client token (`job.token`). */
  token: string;
  /** Evaluates an expression, a failure of it final and scrubbed. */
  evaluate: (expression: string, where: string) => unknown;
}

interface Intent {
  method: string;
  /** Method and path: how the vendor's refusal is introduced. */
  label: string;
  /** Scrubbed of every secret; the query kept (it often names the report). */
  url: string;
  at: string;
  /** False once the vendor answered with an error status: no job was created. */
  open: boolean;
}

/** A submit answer that names no job: not JSON, or no id in it. The caller treats it as lost. */
class UnreadableAnswer extends Error {}

const ANSWER_EXTENSIONS = ['json', 'xml', 'txt'] as const;

/** The stored answer's extension, by what its Content-Type says it is. */
export function answerExtension(contentType: string | undefined): (typeof ANSWER_EXTENSIONS)[number] {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) return 'json';
  if (type.includes('xml')) return 'xml';
  return 'txt';
}

export async function submitOnce(c: SubmitContext): Promise<{ jobId: string; reused: boolean }> {
  const jobKey = `${c.prefix}/job.json`;
  if (await c.store.exists(jobKey)) return { jobId: (JSON.parse(await c.store.getText(jobKey)) as { id: string }).id, reused: true };
  const keep = async (jobId: string, reused: boolean) => {
    await c.store.put(jobKey, JSON.stringify({ id: jobId }), 'application/json');
    return { jobId, reused };
  };
  const intentKey = `${c.prefix}/submit-intent.json`;
  const intent = (await c.store.exists(intentKey)) ? (JSON.parse(await c.store.getText(intentKey)) as Intent) : undefined;
  if (intent?.open) {
    const stored = await storedAnswer(c);
    let lost = 'no answer was stored (the connection failed, or the worker stopped, before the answer was read)';
    if (stored) {
      try {
        return await keep(jobIdOf(c, stored, intent.label), true);
      } catch (e) {
        if (!(e instanceof UnreadableAnswer)) throw e;
        lost = e.message;
      }
    }
    const found = await recover(c, intent, lost);
    if (found) return keep(found, true);
  }
  return keep(await submit(c, intentKey), false);
}

/**
 * Sends the submit, the intent stored first and the answer stored before it is read. `again`:
 * this attempt already resubmitted once after an unreadable answer; a second one is left to
 * the activity's retry, so a vendor that keeps answering garbage costs attempts, not a loop.
 */
async function submit(c: SubmitContext, intentKey: string, again = false): Promise<string> {
  const { request } = c.step.submit;
  const at = `${c.where}.submit.request`;
  let built;
  try {
    built = buildRequest(c.client.config, request, c.scope, at);
  } catch (e) {
    throw finalFailure('ConfigError', (e as Error).message);
  }
  const intent: Intent = { method: built.method, label: built.label, url: c.client.scrub(built.url.toString()), at: new Date().toISOString(), open: true };
  await c.store.put(intentKey, JSON.stringify(intent), 'application/json');
  let response;
  try {
    response = await c.client.send(request, c.scope, at, { atMostOnce: true });
  } catch (e) {
    // The vendor answered with an error status: it created no job, and the next attempt may submit.
    // A failure without one (a reset, a timeout) leaves the intent open: the request may have arrived.
    if (!mayHaveArrived(e)) await c.store.put(intentKey, JSON.stringify({ ...intent, open: false }), 'application/json');
    throw e;
  }
  const text = c.client.scrub(await readText(response.body));
  const contentType = response.headers['content-type'];
  await c.store.put(`${c.prefix}/submit-answer.${answerExtension(contentType)}`, text, contentType ?? 'text/plain');
  try {
    return jobIdOf(c, { text, contentType }, response.label);
  } catch (e) {
    if (!(e instanceof UnreadableAnswer)) throw e;
    const found = await recover(c, intent, e.message);
    if (found) return found;
    // The vendor knows no job by this token (find said so), or will answer with the first (idempotent).
    if (again) throw retryableFailure('VendorError', c.client.scrub(`${response.label} answered twice without a job id: ${e.message}`));
    return submit(c, intentKey, true);
  }
}

/** The job a lost answer named, by the vendor's means; undefined when a new submit is safe; a final failure without a means. */
async function recover(c: SubmitContext, intent: Intent, lost: string): Promise<string | undefined> {
  const { find, idempotent } = c.step.submit;
  if (find) {
    // When the lost submit left: a vendor without client tokens is asked for the job made since (Shopify's bulk operations).
    c.scope.setJson('job', JSON.stringify({ token: c.token, sentAt: intent.at }));
    const response = await c.client.send(find.request, c.scope, `${c.where}.submit.find.request`);
    c.scope.setJson('response', stripJson(await readText(response.body), response.headers['content-type'], response.label));
    const id = c.evaluate(find.jobId, `${c.where}.submit.find.jobId`);
    if (typeof id === 'string' && id !== '') return id;
    if (typeof id === 'number') return String(id);
    return undefined;
  }
  if (idempotent) return undefined;
  throw finalFailure(
    'VendorRequestError',
    c.client.scrub(
      `${c.where}.submit: the job may have been created at the vendor, but its answer was lost: ${lost}. ` +
        `Possibly orphaned request: ${intent.method} ${intent.url} at ${intent.at}. DIF does not submit again, which could create a second job; ` +
        'check the vendor for a job from that time, and declare submit.idempotent or submit.find if the vendor has a means to recognise a job',
    ),
  );
}

/** The job id in an answer, or UnreadableAnswer; a refusal in the answer fails the run with the vendor's words. */
function jobIdOf(c: SubmitContext, { text, contentType }: { text: string; contentType?: string }, label: string): string {
  let json: string;
  try {
    json = bodyAsJson(text, contentType);
    JSON.parse(json);
  } catch {
    throw new UnreadableAnswer(`the answer is not ${contentType?.includes('xml') ? 'well-formed XML' : 'JSON'} (${JSON.stringify(text.slice(0, 120))})`);
  }
  c.scope.setJson('response', json);
  const { refused, jobId } = c.step.submit;
  const reason = refused ? refusal(c.evaluate(refused, `${c.where}.submit.refused`)) : '';
  // A refusal in a 2xx (GraphQL userErrors): the vendor's words, not "no job id".
  if (reason) throw finalFailure('VendorRequestError', c.client.scrub(`${label} refused the job: ${reason}`));
  const id = c.evaluate(jobId, `${c.where}.submit.jobId`);
  if (typeof id !== 'string' && typeof id !== 'number') throw new UnreadableAnswer(`${c.where}.submit.jobId gave no job id from it (${JSON.stringify(text.slice(0, 120))})`);
  return String(id);
}

async function storedAnswer(c: SubmitContext): Promise<{ text: string; contentType: string } | undefined> {
  for (const ext of ANSWER_EXTENSIONS) {
    const key = `${c.prefix}/submit-answer.${ext}`;
    if (await c.store.exists(key)) return { text: await c.store.getText(key), contentType: ext === 'txt' ? 'text/plain' : `application/${ext}` };
  }
  return undefined;
}

function stripJson(text: string, contentType: string | undefined, label: string): string {
  try {
    const json = bodyAsJson(text, contentType);
    JSON.parse(json);
    return json;
  } catch {
    throw finalFailure('DataError', `${label}: the find answer is not JSON (${text.slice(0, 120)})`);
  }
}


/** The vendor's refusal as text, or '' when `submit.refused` gave nothing (null, '', an empty list). */
function refusal(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ') : '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
