/**
 * The generic ingest workflow: one vendor, one customer, one stream, one window. It
 * interprets the stream's steps into activities and holds the control flow only; every
 * read and write happens in activities, and history carries only the keys, counts and ids
 * they return. Long paginations stay inside one checkpointed activity and fan-outs run in
 * batches whose page lists live in the object store, so history grows with the number of
 * batches, not of pages or calls.
 */
import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { FetchResult, IngestInput, IngestSummary, RunContext, RunPlan, StepPlan } from '../interpreter/contracts';
import { pollDelaySeconds } from '../interpreter/async-job';
import { CUSTOMER, STREAM, VENDOR, WINDOW_START } from './search-attributes';
import { NON_RETRYABLE } from './failure-types';
import { withPermit } from './with-permit';
import { mapWithConcurrency } from './concurrency';

export async function ingest(input: IngestInput): Promise<IngestSummary> {
  const { vendor, customer, stream, window } = input;
  const options = input.options ?? {};
  const info = workflowInfo();
  const timeout = options.activityTimeoutMs ?? 10 * 60_000;

  upsertSearchAttributes([
    { key: VENDOR, value: vendor },
    { key: CUSTOMER, value: customer },
    { key: STREAM, value: stream },
    { key: WINDOW_START, value: new Date(`${window.from}T00:00:00Z`) },
  ]);

  const optionsFor = (retry?: RunPlan['retry']): ActivityOptions => ({
    startToCloseTimeout: timeout,
    heartbeatTimeout: options.heartbeatTimeoutMs ?? Math.min(timeout, 2 * 60_000),
    retry: {
      initialInterval: retry?.initialIntervalMs ?? 1000,
      backoffCoefficient: 2,
      maximumInterval: retry?.maxIntervalMs ?? 60_000,
      maximumAttempts: options.maxAttempts ?? retry?.maxAttempts ?? 8,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });

  const plan = await proxyActivities<Activities>(optionsFor()).prepareRun({ vendor, customer, stream, window });
  const ioOptions = optionsFor(plan.retry);
  const io = proxyActivities<Activities>(ioOptions);
  const withSummary = (summary: string): ActivityOptions => ({ ...ioOptions, summary });
  const permit: PermitRef = { ...plan.permit, holder: `${info.workflowId}#${info.runId}` };
  const run: RunContext = {
    vendor,
    customer,
    stream,
    window,
    runId: info.runId,
    configKey: plan.configKey,
    extractedAt: new Date(info.startTime).toISOString(),
  };

  return withPermit(permit, { retryMs: options.semaphoreRetryMs }, async () => {
    const lists: string[][] = [];
    let pagesFetched = 0;
    const fetched = (results: FetchResult[]) => {
      pagesFetched += results.reduce((n, r) => n + r.pages, 0);
      return results.map((r) => r.listKey);
    };

    for (let stepIndex = 0; stepIndex < plan.steps.length; stepIndex++) {
      const step = plan.steps[stepIndex];
      const label = `${step.kind} step "${step.name}"`;
      switch (step.kind) {
        case 'single':
        case 'paginated':
          lists[stepIndex] = fetched([await io.fetchPages.executeWithOptions(withSummary(label), [{ run, stepIndex, permit }])]);
          break;
        case 'dependent':
          lists[stepIndex] = fetched(await fanOut(step, stepIndex, lists[step.from ?? stepIndex - 1]));
          break;
        case 'async':
          lists[stepIndex] = fetched([await asyncJob(step, stepIndex)]);
          break;
        case 'files':
          lists[stepIndex] = fetched([await files(step, stepIndex)]);
          break;
      }
    }

    const pageLists = lists[plan.steps.length - 1];
    const csv = await io.toCsv.executeWithOptions(withSummary(`CSV from ${pagesFetched} page(s)`), [{ run, pageLists, permit }]);
    const loaded = await io.loadCsv.executeWithOptions(withSummary(`merge ${csv.records} records`), [{ run, csvKey: csv.csvKey, permit }]);
    // The Web UI shows the memo on the run's page; patched() keeps older histories replayable.
    if (patched('memo-summary')) upsertMemo({ summary: `${csv.records} records, ${loaded.rowsInserted} rows loaded (${loaded.rowsReplaced} replaced), ${pagesFetched} pages` });
    return {
      workflowId: info.workflowId,
      runId: info.runId,
      vendor,
      customer,
      stream,
      window,
      configHash: plan.configHash,
      recordsFetched: csv.records,
      rowsLoaded: loaded.rowsInserted,
      rowsReplaced: loaded.rowsReplaced,
      pagesFetched,
      rawObjects: pageLists,
      csvObject: csv.csvKey,
    };
  });

  /** One call per item of an earlier step, in batches: `concurrency` batches at a time. */
  async function fanOut(step: StepPlan, stepIndex: number, fromLists: string[]): Promise<FetchResult[]> {
    const items = await io.planItems.executeWithOptions(withSummary(`items for "${step.name}"`), [{ run, stepIndex, fromLists, permit }]);
    const concurrency = step.concurrency ?? 4;
    // Spread small fan-outs over `concurrency` batches; cap large ones at `batchSize` items.
    const size = Math.max(1, Math.min(step.batchSize ?? 200, Math.ceil(items.count / concurrency)));
    const batches: { start: number; end: number }[] = [];
    for (let start = 0; start < items.count; start += size) batches.push({ start, end: Math.min(items.count, start + size) });
    return mapWithConcurrency(batches, concurrency, (batch) =>
      io.fetchPages.executeWithOptions(withSummary(`dependent step "${step.name}", items ${batch.start + 1}–${batch.end} of ${items.count}`), [
        { run, stepIndex, permit, items: { itemsKey: items.itemsKey, ...batch } },
      ]),
    );
  }

  /** Takes the window's files; with expect `wait`, looks again on a durable timer until the activity gives up. */
  async function files(step: StepPlan, stepIndex: number): Promise<FetchResult> {
    for (let look = 1; ; look++) {
      const result = await io.fetchFiles.executeWithOptions(withSummary(`files step "${step.name}"${look > 1 ? ` (look #${look})` : ''}`), [{ run, stepIndex, permit, look }]);
      if (result.waitSeconds === undefined) return result;
      await sleep(result.waitSeconds * 1000);
    }
  }

  /** Submit, poll on durable timers (no worker held while waiting), download; cancel the vendor's job if the run is cancelled. */
  async function asyncJob(step: StepPlan, stepIndex: number): Promise<FetchResult> {
    const poll = step.poll!;
    const { jobId } = await io.submitJob.executeWithOptions(withSummary(`submit job "${step.name}"`), [{ run, stepIndex, permit }]);
    const started = Date.now();
    try {
      for (let attempt = 1; ; attempt++) {
        const status = await io.pollJob.executeWithOptions(withSummary(`poll job ${jobId} (#${attempt})`), [{ run, stepIndex, permit, jobId }]);
        if (status.state === 'done') break;
        if (status.state === 'failed') {
          throw ApplicationFailure.create({
            type: 'VendorJobFailed',
            nonRetryable: true,
            message: `vendor job ${jobId} of step "${step.name}" failed with status ${status.status}${status.reason ? `: ${status.reason}` : ''}`,
          });
        }
        if (Date.now() - started > poll.timeoutMinutes * 60_000) {
          throw ApplicationFailure.create({
            type: 'VendorJobTimeout',
            nonRetryable: true,
            message: `vendor job ${jobId} of step "${step.name}" not done after ${poll.timeoutMinutes} min (last status ${status.status})`,
          });
        }
        await sleep(pollDelaySeconds(poll, attempt, status.hintSeconds) * 1000);
      }
    } catch (e) {
      const abandoned = isCancellation(e) || (e instanceof ApplicationFailure && e.type === 'VendorJobTimeout');
      if (abandoned && step.cancellable) {
        await CancellationScope.nonCancellable(() =>
          io.cancelJob.executeWithOptions(withSummary(`cancel job ${jobId}`), [{ run, stepIndex, jobId }]),
        );
      }
      throw e;
    }
    return io.downloadResult.executeWithOptions(withSummary(`download job ${jobId}`), [{ run, stepIndex, permit, jobId }]);
  }
}
