/**
 * The generic ingest workflow: one vendor, one customer, one stream, one window. It
 * interprets the stream's steps into activities and holds the control flow only; every
 * read and write happens in activities, and history carries only the keys, counts and ids
 * they return. Long paginations stay inside one checkpointed activity and fan-outs run in
 * batches whose page lists live in the object store, so history grows with the number of
 * batches, not of pages or calls; past a bound, batches run in chunk child workflows
 * (fan-out-chunk.ts) and an async job's polls in a child that continues as new
 * (job-polls.ts), so no run's history grows with a config's numbers.
 */
import {
  isCancellation,
  patched,
  proxyActivities,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  DEFAULT_PERMIT_MAX_WAIT_SECONDS,
  type CsvResult,
  type FetchResult,
  type IngestInput,
  type IngestSummary,
  type LoadSummary,
  type RunContext,
  type RunPlan,
  type PermitRef,
} from '../core/contracts';
import { CUSTOMER, PARTITION, STREAM, VENDOR, WINDOW_START } from './search-attributes';
import { ingestPartitions } from './partitions';
import { ignoredOf, ignoredWords } from './ignored-items';
import { NON_RETRYABLE } from '../core/failure-types';
import { withPermit } from './with-permit';
import { NO_GATE, vendorPermit } from './vendor-permit';
import { driverOf } from '../steps/workflow-registry';
import { storeCursorAfterLoad } from './incremental';
import { heartbeatTimeoutMs } from '../core/heartbeat';
import type { PermitGate, StepRun } from '../steps/driver';
import { runEvents, type RunIdentity } from './run-events';

/**
 * One run, reported to the worker as it starts and ends (run-events.ts: metrics, log lines,
 * alerts), outside history.
 */
export async function ingest(input: IngestInput): Promise<IngestSummary> {
  const events = runEvents();
  const identity: RunIdentity = {
    vendor: input.vendor,
    customer: input.customer,
    stream: input.stream,
    window: input.window,
    ...(input.partition !== undefined ? { partition: input.partition } : {}),
  };
  const shape = { parent: false };
  const seconds = () => (Date.now() - workflowInfo().startTime.getTime()) / 1000;
  events.started(identity);
  try {
    const summary = await ingestRun(input, shape);
    events.ended({ ...identity, status: 'completed', seconds: seconds(), parent: shape.parent, pages: summary.pagesFetched });
    return summary;
  } catch (e) {
    const status = isCancellation(e) ? 'cancelled' : 'failed';
    events.ended({ ...identity, status, seconds: seconds(), parent: shape.parent, ...innermostFailure(e) });
    throw e;
  }
}

/** The innermost cause: the activity's own words and type, not "Activity task failed". */
function innermostFailure(e: unknown): { error: string; errorType?: string } {
  let error = e as { message?: string; cause?: unknown; type?: string } | undefined;
  while (error && (error.cause as { message?: string } | undefined)?.message) error = error.cause as typeof error;
  return { error: String(error?.message ?? e).slice(0, 2000), ...(error?.type ? { errorType: error.type } : {}) };
}

async function ingestRun(input: IngestInput, shape: { parent: boolean }): Promise<IngestSummary> {
  const { vendor, customer, stream, window } = input;
  const options = input.options ?? {};
  const info = workflowInfo();
  const timeout = options.activityTimeoutMs ?? 10 * 60_000;

  upsertSearchAttributes([
    { key: VENDOR, value: vendor },
    { key: CUSTOMER, value: customer },
    { key: STREAM, value: stream },
    { key: WINDOW_START, value: new Date(`${window.from}T00:00:00Z`) },
    ...(input.partition !== undefined ? [{ key: PARTITION, value: input.partition }] : []),
  ]);

  // Activities that may hold the vendor permit time out within half its lease (core/heartbeat.ts).
  const optionsFor = (retry?: RunPlan['retry'], leaseMs?: number): ActivityOptions => ({
    startToCloseTimeout: timeout,
    heartbeatTimeout: options.heartbeatTimeoutMs ?? heartbeatTimeoutMs(timeout, leaseMs),
    retry: {
      initialInterval: retry?.initialIntervalMs ?? 1000,
      backoffCoefficient: 2,
      maximumInterval: retry?.maxIntervalMs ?? 60_000,
      maximumAttempts: options.maxAttempts ?? retry?.maxAttempts ?? 8,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  });

  const plan = await proxyActivities<Activities>(optionsFor()).prepareRun({
    vendor,
    customer,
    stream,
    window,
    ...(input.partition !== undefined ? { partition: input.partition } : {}),
    ...(input.incremental ? { incremental: input.incremental } : {}),
  });
  const ioOptions = optionsFor(plan.retry, plan.permit.leaseMs);
  const io = proxyActivities<Activities>(ioOptions);
  // A partitioned stream as a whole: one child run per partition, which comes back here with its partition set.
  if (plan.partitions) {
    shape.parent = true;
    return ingestPartitions(input, plan, io);
  }
  // For a clean-room customer, everything that touches the vendor or raw data runs on the
  // customer's own worker; only protected CSV comes back (exportCsv) for DIF to load.
  const roomOptions: ActivityOptions = plan.cleanRoom ? { ...ioOptions, taskQueue: plan.cleanRoom.taskQueue } : ioOptions;
  const room = plan.cleanRoom ? proxyActivities<Activities>(roomOptions) : io;
  const withSummary = (summary: string): ActivityOptions => ({ ...ioOptions, summary });
  const inRoom = (summary: string): ActivityOptions => ({ ...roomOptions, summary });
  const permit: PermitRef = { ...plan.permit, holder: `${info.workflowId}#${info.runId}` };
  /** Items the steps skipped by their onItemError rules: named in the memo and the summary, never silently dropped. */
  let itemsIgnored: FetchResult['ignored'];
  const run: RunContext = {
    vendor,
    customer,
    stream,
    window,
    ...(input.partition !== undefined ? { partition: input.partition } : {}),
    runId: info.runId,
    configKey: plan.configKey,
    extractedAt: new Date(info.startTime).toISOString(),
    ...(plan.incremental ? { state: plan.incremental.state } : {}), // incremental.ts
  };

  // Runs started before `semaphore.hold` held one permit around everything, CSV and load
  // included; they keep doing so. Newer runs hold it as the config says (vendor-permit.ts).
  if (!patched('permit-hold')) {
    return withPermit(permit, { retryMs: options.semaphoreRetryMs }, async () => {
      const { pageLists, pagesFetched } = await fetchSteps(NO_GATE);
      let csv = await room.toCsv.executeWithOptions(inRoom(`CSV from ${pagesFetched} page(s)`), [{ run, pageLists, permit }]);
      if (plan.cleanRoom) {
        csv = await room.exportCsv.executeWithOptions(inRoom(`export ${csv.parts} protected CSV part(s)`), [{ run, csvKey: csv.csvKey, permit }]);
      }
      const loaded = await io.loadCsv.executeWithOptions(withSummary(`merge ${csv.records} records`), [{ run, csvKey: csv.csvKey, permit }]);
      memo(csv, loaded, pagesFetched);
      // Only a history recorded before raw lists were stored takes the else branch, on replay,
      // where the result is not looked at; a run in flight finishing on this code stores its list.
      const rawLists = patched('raw-lists-key') ? await storeRawLists(pageLists) : { count: pageLists.length, key: '' };
      return summary(csv, loaded, pagesFetched, rawLists);
    });
  }

  const permitOptions = {
    hold: plan.permit.hold ?? 'calls',
    maxWaitMs: options.maxWaitSeconds !== undefined ? options.maxWaitSeconds * 1000 : (plan.permit.maxWaitMs ?? DEFAULT_PERMIT_MAX_WAIT_SECONDS * 1000),
    retryMs: options.semaphoreRetryMs,
  };
  const vendorGate = vendorPermit(permit, permitOptions);
  let fetchedSteps: { pageLists: string[]; pagesFetched: number };
  let releasing: Promise<void> | undefined;
  let overlap = false;
  try {
    fetchedSteps = await fetchSteps(vendorGate, permitOptions);
    // Since this patch the release is not waited for here: the permit goes back in the same
    // workflow task that stores the raw lists (and starts the CSV when it needs no stored
    // list), instead of one activity round trip after another. Awaited on every way out below.
    overlap = patched('release-beside-csv');
    releasing = vendorGate.release(); // the last vendor call is done: CSV and load hold no vendor permit
    if (!overlap) await releasing;
  } finally {
    await vendorGate.release(); // failure or cancellation: nothing if given back already
  }
  const { pageLists, pagesFetched } = fetchedSteps;
  let rawLists: IngestSummary['rawLists'];
  let csv: CsvResult;
  try {
    // Many lists go to the CSV activity as the one key of their stored list: 50,000 keys would pass Temporal's 2 MB payload limit.
    if (overlap && !(pageLists.length > 1 && patched('bounded-history'))) {
      // The CSV reads the lists as passed, not the stored one: both start at once. Both are
      // waited for, so no activity is left behind when one fails; the store's failure first, as before.
      const [stored, written] = await Promise.allSettled([
        storeRawLists(pageLists),
        room.toCsv.executeWithOptions(inRoom(`CSV from ${pagesFetched} page(s)`), [{ run, pageLists }]),
      ]);
      if (stored.status === 'rejected') throw stored.reason;
      if (written.status === 'rejected') throw written.reason;
      rawLists = stored.value;
      csv = written.value;
    } else {
      rawLists = await storeRawLists(pageLists);
      const csvLists = pageLists.length > 1 && patched('bounded-history') ? [rawLists.key] : pageLists;
      csv = await room.toCsv.executeWithOptions(inRoom(`CSV from ${pagesFetched} page(s)`), [{ run, pageLists: csvLists }]);
    }
  } finally {
    await releasing; // never rejects (vendor-permit.ts release); a run must not end with its release unscheduled
  }
  const { maxCursor } = csv;
  if (plan.cleanRoom) {
    csv = await room.exportCsv.executeWithOptions(inRoom(`export ${csv.parts} protected CSV part(s)`), [{ run, csvKey: csv.csvKey }]);
  }
  const loaded = await io.loadCsv.executeWithOptions(withSummary(`merge ${csv.records} records`), [{ run, csvKey: csv.csvKey, holder: permit.holder }]);
  const cursor = await storeCursorAfterLoad(io.storeCursor, withSummary, plan, run, maxCursor);
  memo(csv, loaded, pagesFetched);
  return { ...summary(csv, loaded, pagesFetched, rawLists), ...(cursor ? { cursor } : {}) };

  /** Runs the stream's steps; the gate takes the vendor permit before each vendor call and decides what happens to it over a wait. */
  async function fetchSteps(gate: PermitGate, permitOptions?: StepRun['permitOptions']): Promise<{ pageLists: string[]; pagesFetched: number }> {
    const lists: string[][] = [];
    let pagesFetched = 0;
    const fetched = (results: FetchResult[]) => {
      pagesFetched += results.reduce((n, r) => n + r.pages, 0);
      itemsIgnored = ignoredOf(itemsIgnored ? [{ listKey: '', pages: 0, units: 0, ignored: itemsIgnored }, ...results] : results);
      return results.map((r) => r.listKey);
    };

    for (let stepIndex = 0; stepIndex < plan.steps.length; stepIndex++) {
      const step = plan.steps[stepIndex];
      const ctx: StepRun = { room, inRoom, run, permit, gate, lists, activityOptions: roomOptions, permitOptions, options };
      lists[stepIndex] = fetched(await driverOf(step.kind)(ctx, step, stepIndex));
    }
    return { pageLists: lists[plan.steps.length - 1], pagesFetched };
  }

  /** The Web UI shows the memo on the run's page; patched() keeps older histories replayable. */
  function memo(csv: CsvResult, loaded: LoadSummary, pagesFetched: number): void {
    if (patched('memo-summary')) {
      const where = plan.cleanRoom ? `; fetched and protected in the clean room (${plan.cleanRoom.taskQueue})` : '';
      const removed = loaded.rowsRemoved ? `, ${loaded.rowsRemoved} removed` : '';
      upsertMemo({ summary: `${csv.records} records, ${rowsWritten(loaded)} rows loaded (${loaded.rowsInserted} new, ${loaded.rowsReplaced} replaced${removed}), ${pagesFetched} pages${where}${ignoredWords(itemsIgnored)}` });
    }
  }

  /** One key to the stored list of page-set lists, in the room's store: history then carries a key and a count, not one key per batch. */
  async function storeRawLists(pageLists: string[]): Promise<IngestSummary['rawLists']> {
    return room.storeRawLists.executeWithOptions(inRoom(`list of ${pageLists.length} page-set list(s)`), [{ run, pageLists }]);
  }

  function summary(csv: CsvResult, loaded: LoadSummary, pagesFetched: number, rawLists: IngestSummary['rawLists']): IngestSummary {
    return {
      workflowId: info.workflowId,
      runId: info.runId,
      vendor,
      customer,
      stream,
      window,
      configHash: plan.configHash,
      recordsFetched: csv.records,
      rowsLoaded: rowsWritten(loaded),
      rowsReplaced: loaded.rowsReplaced,
      rowsInserted: loaded.rowsInserted,
      ...(loaded.rowsRemoved ? { rowsRemoved: loaded.rowsRemoved } : {}),
      ...(loaded.warnings?.length ? { warnings: loaded.warnings } : {}),
      pagesFetched,
      rawLists,
      csvObject: csv.csvKey,
      ...(itemsIgnored ? { itemsIgnored } : {}),
    };
  }

}

/**
 * Rows a load wrote. A load result without rowsRemoved comes from a worker before the
 * warehouse seam, whose rowsInserted counted every row written already.
 */
function rowsWritten(loaded: LoadSummary): number {
  return loaded.rowsRemoved === undefined ? loaded.rowsInserted : loaded.rowsInserted + loaded.rowsReplaced;
}
