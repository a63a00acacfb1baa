/**
 * The activities of an asynchronous report job. The workflow drives the schedule (durable
 * timers between polls); these make one call each. The submit is made at most once per run
 * (submit-once.ts): its answer is stored before it is read, and a retry reuses the job.
 * The last poll answer stays in the object store, so a result URL (often pre-signed, a
 * credential in itself) never passes through workflow history.
 */
import type { PermitRef } from '../../core/contracts';
import type { FetchResult, JobPoll, PageSet, RunContext } from '../../core/contracts';
import { endedEmpty, jobState } from '../../core/async-job';
import { ExpressionScope } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import { retryAfterMs } from '../../core/retry-after';
import { pageKey, pageSetPrefix, runPrefix } from '../../core/run-plan';
import { readItems } from '../../activities/item-lists';
import type { ActivityDeps } from '../../activities/deps';
import { finalFailure } from '../../activities/failures';
import { pinnedStepOf, runVariables } from '../../activities/pinned-config';
import { underPermit } from '../../activities/permits';
import { readJsonText, readText, VendorClient } from '../../activities/vendor-client';
import { answeredCompression, resolveHops, type AnsweredCompression } from './download-hops';
import type { JobBatch } from './plan';
import { jobToken } from './job-token';
import { rawContentType, rawExtension } from '../../core/raw-names';
import { submitOnce } from './submit-once';

export interface JobInput {
  run: RunContext;
  stepIndex: number;
  permit: PermitRef;
  /** The job's share of the step's items (`items`), absent for a step's single job. */
  batch?: JobBatch;
}

async function context(deps: ActivityDeps, { run, stepIndex, batch }: Pick<JobInput, 'run' | 'stepIndex' | 'batch'>, stop?: AbortSignal) {
  const { pinned, config, step, where } = await pinnedStepOf(deps, run, stepIndex, 'async');
  // Each batch's job has keys of its own: its id is stored, and reused by a retried submit, per batch.
  const stepPrefix = pageSetPrefix(runPrefix('raw', run, run.runId), step.name, batch?.start);
  const prefix = batch ? `${stepPrefix}/job` : stepPrefix;
  const scope = new ExpressionScope(runVariables(run, pinned));
  // The job's client token (`job.token`); `job.id` joins it once the vendor named the job.
  const token = jobToken(run, step.name, batch?.start);
  scope.setJson('job', JSON.stringify({ token }));
  if (batch) scope.setJson('batch', JSON.stringify(await batchItems(deps, batch)));
  return { config, step, where, prefix, setPrefix: stepPrefix, scope, token, client: await VendorClient.open(deps, config, run.customer, stop, pinned.inputs) };
}

/** The items of one job: what `items` gave, without the ancestors a dependent step keeps. */
async function batchItems(deps: ActivityDeps, { itemsKey, start, end }: JobBatch): Promise<unknown[]> {
  return (await readItems(deps.objectStore, itemsKey, start, end)).map((entry) => entry.item);
}

function evaluate(scope: ExpressionScope, expression: string, where: string, client: VendorClient): unknown {
  try {
    return scope.evaluate(expression, where);
  } catch (e) {
    if (e instanceof ExpressionError) throw finalFailure('DataError', client.scrub(e.message));
    throw e;
  }
}

export function asyncJobActivities(deps: ActivityDeps) {
  async function submitJob(input: JobInput): Promise<{ jobId: string; reused: boolean }> {
    return underPermit(deps, input.permit, async (permitLost) => {
      const { step, where, prefix, scope, token, client } = await context(deps, input, permitLost);
      return submitOnce({ step, where, prefix, scope, token, client, store: deps.objectStore, evaluate: (e, at) => evaluate(scope, e, at, client) });
    });
  }

  async function pollJob(input: JobInput & { jobId: string }): Promise<JobPoll> {
    return underPermit(deps, input.permit, async (permitLost) => {
      const { step, where, prefix, scope, token, client } = await context(deps, input, permitLost);
      scope.setJson('job', JSON.stringify({ id: input.jobId, token }));
      const response = await client.send(step.poll.request, scope, `${where}.poll.request`);
      // Kept as JSON (an XML answer decoded), for the download's expressions; scrubbed of
      // every secret first, as stored pages are (a vendor may echo a token back).
      const text = client.scrub(await readJsonText(response));
      await deps.objectStore.put(`${prefix}/poll-last.json`, text, 'application/json');
      scope.setJson('response', text);
      const status = String(evaluate(scope, step.poll.status, `${where}.poll.status`, client));
      const state = jobState(step.poll, status);
      const eta = step.poll.eta ? Number(evaluate(scope, step.poll.eta, `${where}.poll.eta`, client)) : undefined;
      const retryAfter = retryAfterMs(response.headers['retry-after'], Date.now());
      const hintSeconds = eta !== undefined && Number.isFinite(eta) ? eta : retryAfter !== undefined ? retryAfter / 1000 : undefined;
      const reason =
        state === 'failed' && step.poll.failureReason
          ? client.scrub(String(evaluate(scope, step.poll.failureReason, `${where}.poll.failureReason`, client)))
          : undefined;
      return { state, status, ...(hintSeconds !== undefined ? { hintSeconds } : {}), ...(reason ? { reason } : {}) };
    });
  }

  async function downloadResult(input: JobInput & { jobId: string }): Promise<FetchResult> {
    return underPermit(deps, input.permit, async (permitLost) => {
      const { step, where, prefix, setPrefix, scope, token, client } = await context(deps, input, permitLost);
      scope.setJson('job', JSON.stringify({ id: input.jobId, token }));
      const lastPoll = await deps.objectStore.getText(`${prefix}/poll-last.json`);
      let compression: AnsweredCompression | undefined;
      // The stored file is named and labelled by what it is (a CSV report `page-000001.csv.gz`); an empty one is plain.
      const format = step.decode?.format ?? 'json';
      let extension = format;
      scope.setJson('response', lastPoll);
      if (step.download && endedEmpty(step.poll, evaluate(scope, step.poll.status, `${where}.poll.status`, client))) {
        // The vendor found nothing to report (poll.empty): an empty file, no records, no download.
        await deps.objectStore.put(pageKey(setPrefix, 1, extension), '', rawContentType(extension));
      } else if (!step.download) {
        // Results served through the vendor's API: the final poll answer (job id, status)
        // is the step's one page, and a dependent step pages through the results.
        extension = 'json';
        await deps.objectStore.put(pageKey(setPrefix, 1), lastPoll, 'application/json');
      } else {
        scope.setJson('response', lastPoll);
        const hops = { client, scope, store: deps.objectStore, where, prefix, evaluate: (e: string, at: string) => evaluate(scope, e, at, client) };
        await resolveHops(step.download, hops);
        const url = evaluate(scope, step.download.url, `${where}.download.url`, client);
        const found = typeof url === 'string' && url !== '';
        if (!found && !step.download.emptyWithoutUrl) throw finalFailure('DataError', `${where}.download.url gave no URL`);
        if (!found) {
          // A job that found nothing (download.emptyWithoutUrl): an empty file, no records.
          await deps.objectStore.put(pageKey(setPrefix, 1, extension), '', rawContentType(extension));
        } else {
          compression = answeredCompression(step.download, hops);
          // Pre-signed result URLs carry their own authorization: vendor auth only when asked for.
          const target = new URL(url, client.config.baseUrl).toString();
          const request = { url: target, headers: step.download.headers, cost: step.download.cost };
          const response = await client.send(request, scope, `${where}.download`, { url: target }, step.download.auth ?? false);
          extension = rawExtension(format, compression ?? step.decode?.compression);
          await deps.objectStore.put(pageKey(setPrefix, 1, extension), response.body, rawContentType(extension));
        }
      }
      const listKey = `${setPrefix}/pagesets.json`;
      // The answer's compression travels with the page, so toCsv decodes the file as the vendor packed it.
      const sets: PageSet[] = [
        { prefix: setPrefix, count: 1, stepIndex: input.stepIndex, ...(compression ? { compression } : {}), ...(extension !== 'json' ? { extension } : {}) },
      ];
      await deps.objectStore.put(listKey, JSON.stringify(sets), 'application/json');
      return { listKey, pages: 1, units: 1 };
    });
  }

  /** Best effort: the run is ending anyway; a vendor that refuses is noted, not retried forever. */
  async function cancelJob(input: Omit<JobInput, 'permit'> & { jobId: string }): Promise<string> {
    const { step, where, scope, token, client } = await context(deps, input);
    if (!step.cancel) return 'no cancel request configured';
    scope.setJson('job', JSON.stringify({ id: input.jobId, token }));
    try {
      const response = await client.send(step.cancel.request, scope, `${where}.cancel.request`);
      await readText(response.body);
      return `cancelled (${response.status})`;
    } catch (e) {
      if ((e as { type?: string }).type === 'VendorRequestError') return client.scrub((e as Error).message);
      throw e;
    }
  }

  return { submitJob, pollJob, downloadResult, cancelJob };
}
