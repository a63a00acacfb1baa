/**
 * The generic ingest workflow: one vendor, one customer, one stream, one window. It holds
 * the control flow only; every read and write happens in activities, and history carries
 * only the keys, counts and ids those activities return.
 */
import { type ActivityOptions, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IngestInput, IngestSummary, RawPage, RunContext } from '../interpreter/contracts';
import { CUSTOMER, STREAM, VENDOR, WINDOW_START } from './search-attributes';
import { NON_RETRYABLE } from './failure-types';
import { withPermit } from './with-permit';


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

  const ioOptions: ActivityOptions = {
    startToCloseTimeout: timeout,
    heartbeatTimeout: Math.min(timeout, 2 * 60_000),
    retry: {
      initialInterval: 1000,
      backoffCoefficient: 2,
      maximumInterval: 60_000,
      maximumAttempts: options.maxAttempts ?? 8,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  };
  const io = proxyActivities<Activities>(ioOptions);

  const plan = await io.prepareRun({ vendor, customer, stream, window });
  const permit = { ...plan.permit, holder: `${info.workflowId}#${info.runId}` };
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
    const rawObjects: string[] = [];
    const pages: RawPage[] = [];
    for (let stepIndex = 0; stepIndex < plan.steps.length; stepIndex++) {
      const step = plan.steps[stepIndex];
      // The summary names the step and page in the Web UI's event list.
      const page = await io.fetchStep.executeWithOptions({ ...ioOptions, summary: `${step.kind} step "${step.name}", page 1` }, [
        { run, stepIndex, permit },
      ]);
      rawObjects.push(page.objectKey);
      if (stepIndex === plan.steps.length - 1) pages.push({ objectKey: page.objectKey, stepIndex });
    }
    const csv = await io.toCsv.executeWithOptions({ ...ioOptions, summary: `CSV from ${rawObjects.length} page(s)` }, [
      { run, pages, permit },
    ]);
    const loaded = await io.loadCsv.executeWithOptions({ ...ioOptions, summary: `merge ${csv.records} records` }, [
      { run, csvKey: csv.csvKey, permit },
    ]);
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
      rawObjects,
      csvObject: csv.csvKey,
    };
  });
}
