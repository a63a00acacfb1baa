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
  // For a clean-room customer, everything that touches the vendor or raw data runs on the
  // customer's own worker; only protected CSV comes back (exportCsv) for DIF to load.
  const roomOptions: ActivityOptions = plan.cleanRoom ? { ...ioOptions, taskQueue: plan.cleanRoom.taskQueue } : ioOptions;
  const room = plan.cleanRoom ? proxyActivities<Activities>(roomOptions) : io;
  const withSummary = (summary: string): ActivityOptions => ({ ...ioOptions, summary });
  const inRoom = (summary: string): ActivityOptions => ({ ...roomOptions, summary });
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
          lists[stepIndex] = fetched([await room.fetchPages.executeWithOptions(inRoom(label), [{ run, stepIndex, permit }])]);
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
    let csv = await room.toCsv.executeWithOptions(inRoom(`CSV from ${pagesFetched} page(s)`), [{ run, pageLists, permit }]);
    if (plan.cleanRoom) {
      csv = await room.exportCsv.executeWithOptions(inRoom(`export ${csv.parts} protected CSV part(s)`), [{ run, csvKey: csv.csvKey, permit }]);
    }
    const loaded = await io.loadCsv.executeWithOptions(withSummary(`merge ${csv.records} records`), [{ run, csvKey: csv.csvKey, permit }]);
    // The Web UI shows the memo on the run's page; patched() keeps older histories replayable.
    if (patched('memo-summary')) {
      const where = plan.cleanRoom ? `; fetched and protected in the clean room (${plan.cleanRoom.taskQueue})` : '';
      upsertMemo({ summary: `${csv.records} records, ${loaded.rowsInserted} rows loaded (${loaded.rowsReplaced} replaced), ${pagesFetched} pages${where}` });
    }
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
    const items = await room.planItems.executeWithOptions(inRoom(`items for "${step.name}"`), [{ run, stepIndex, fromLists, permit }]);
    const concurrency = step.concurrency ?? 4;
    // Spread small fan-outs over `concurrency` batches; cap large ones at `batchSize` items.
    const size = Math.max(1, Math.min(step.batchSize ?? 200, Math.ceil(items.count / concurrency)));
    const batches: { start: number; end: number }[] = [];
    for (let start = 0; start < items.count; start += size) batches.push({ start, end: Math.min(items.count, start + size) });
    return mapWithConcurrency(batches, concurrency, (batch) =>
      room.fetchPages.executeWithOptions(inRoom(`dependent step "${step.name}", items ${batch.start + 1}–${batch.end} of ${items.count}`), [
        { run, stepIndex, permit, items: { itemsKey: items.itemsKey, ...batch } },
      ]),
    );
  }

  /** Takes the window's files; with expect `wait`, looks again on a durable timer until the activity gives up. */
  async function files(step: StepPlan, stepIndex: number): Promise<FetchResult> {
    for (let look = 1; ; look++) {
      const result = await room.fetchFiles.executeWithOptions(inRoom(`files step "${step.name}"${look > 1 ? ` (look #${look})` : ''}`), [{ run, stepIndex, permit, look }]);
      if (result.waitSeconds === undefined) return result;
      await sleep(result.waitSeconds * 1000);
    }
  }

  /** Submit, poll on durable timers (no worker held while waiting), download; cancel the vendor's job if the run is cancelled. */
  async function asyncJob(step: StepPlan, stepIndex: number): Promise<FetchResult> {
    const poll = step.poll!;
    const { jobId } = await room.submitJob.executeWithOptions(inRoom(`submit job "${step.name}"`), [{ run, stepIndex, permit }]);
    const started = Date.now();
    try {
      for (let attempt = 1; ; attempt++) {
        const status = await room.pollJob.executeWithOptions(inRoom(`poll job ${jobId} (#${attempt})`), [{ run, stepIndex, permit, jobId }]);
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
          room.cancelJob.executeWithOptions(inRoom(`cancel job ${jobId}`), [{ run, stepIndex, jobId }]),
        );
      }
      throw e;
    }
    return room.downloadResult.executeWithOptions(inRoom(`download job ${jobId}`), [{ run, stepIndex, permit, jobId }]);
  }
}
