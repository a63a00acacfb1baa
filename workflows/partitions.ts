/**
 * A partitioned stream's run: one child `ingest` per partition (an ad account, a property,
 * a profile), a few at a time, each fetching, writing and loading its own rows (the
 * partition column is in the merge key, so they never overwrite each other). A partition
 * that fails does not stop or undo the others: every child runs to its end, then the run
 * fails naming the failed partitions (their ids are in the failure's details and the
 * memo), so `dif retry` can run only those. History holds one child per partition, bounded
 * by `partitions.max` (at most 1,000).
 */
import { ApplicationFailure, executeChild, upsertMemo, workflowInfo, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IngestInput, IngestSummary, PartitionOutcome, RunPlan } from '../core/contracts';
import { ingestWorkflowId } from '../core/run-plan';
import { PARTITIONS_FAILED } from '../core/partitions';


export async function ingestPartitions(input: IngestInput, plan: RunPlan, io: ActivityInterfaceFor<Activities>): Promise<IngestSummary> {
  const source = plan.partitions!;
  const info = workflowInfo();
  const { vendor, customer, stream, window } = input;
  // A child runs as its parent was asked to: with its options, and by window when a backfill said so (incremental streams).
  const childInput = (partition?: string): IngestInput => ({
    vendor,
    customer,
    stream,
    window,
    options: input.options,
    ...(input.incremental ? { incremental: input.incremental } : {}),
    ...(partition !== undefined ? { partition } : {}),
  });

  let ids: string[];
  if (input.partitions?.length) {
    // A retry of the ones that failed: a list input keeps only ids still in the customer's list.
    ids = [...new Set(input.partitions)];
    if (source.from === 'input') ids = ids.filter((id) => source.ids.includes(id));
  } else if (source.from === 'input') {
    ids = source.ids;
  } else {
    // The listing stream runs as a run of its own (loaded into its table: the accounts are data too).
    const listing = { ...childInput(), stream: source.stream };
    const listed = await executeChild<(i: IngestInput) => Promise<IngestSummary>>('ingest', {
      workflowId: `${ingestWorkflowId(input)}/${info.runId}/partitions-from-${source.stream}`,
      args: [listing],
    });
    ids = await io.partitionIds({ vendor, customer, stream: source.stream, csvKey: listed.csvObject, column: source.column, max: source.max });
  }

  const outcomes: PartitionOutcome[] = new Array(ids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      const partition = ids[i];
      const workflowId = ingestWorkflowId({ vendor, customer, stream, window, partition });
      try {
        const done = await executeChild<(i: IngestInput) => Promise<IngestSummary>>('ingest', { workflowId, args: [childInput(partition)] });
        outcomes[i] = { partition, workflowId, status: 'COMPLETED', recordsFetched: done.recordsFetched, pagesFetched: done.pagesFetched, rowsLoaded: done.rowsLoaded, rowsReplaced: done.rowsReplaced };
      } catch (e) {
        outcomes[i] = { partition, workflowId, status: 'FAILED', error: causeOf(e) };
      }
      upsertMemo({ summary: progress(outcomes, ids.length) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(source.concurrency, ids.length) }, worker));

  const failed = outcomes.filter((o) => o.status === 'FAILED');
  upsertMemo({ summary: progress(outcomes, ids.length), failedPartitions: failed.map((o) => o.partition) });
  if (failed.length > 0) {
    throw ApplicationFailure.create({
      type: PARTITIONS_FAILED,
      nonRetryable: true,
      message:
        `${failed.length} of ${ids.length} partition(s) failed${failed.length < ids.length ? ' (the others loaded)' : ''}: ` +
        // Each partition's words cut short, so twenty failures still fit; the whole of each is in the details.
        failed.slice(0, 20).map((o) => `${o.partition}: ${clip(o.error ?? '', 600)}`).join('; ') +
        (failed.length > 20 ? `; and ${failed.length - 20} more` : '') +
        `; \`dif retry ${info.workflowId}\` runs only those`,
      details: [{ failed: failed.map((o) => o.partition), outcomes }],
    });
  }
  const sum = (f: (o: PartitionOutcome) => number | undefined) => outcomes.reduce((n, o) => n + (f(o) ?? 0), 0);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    vendor,
    customer,
    stream,
    window,
    configHash: plan.configHash,
    recordsFetched: sum((o) => o.recordsFetched),
    pagesFetched: sum((o) => o.pagesFetched),
    rowsLoaded: sum((o) => o.rowsLoaded),
    rowsReplaced: sum((o) => o.rowsReplaced),
    rawLists: { count: 0, key: '' },
    csvObject: '',
    partitions: outcomes,
  };
}

/** A message on one line (vendors' bodies come pretty-printed), cut at `max` characters. */
function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function progress(outcomes: (PartitionOutcome | undefined)[], total: number): string {
  const done = outcomes.filter((o) => o !== undefined) as PartitionOutcome[];
  const failed = done.filter((o) => o.status === 'FAILED');
  const rows = done.reduce((n, o) => n + (o.rowsLoaded ?? 0), 0);
  return `${done.length - failed.length} of ${total} partitions loaded (${rows} rows)${failed.length ? `; failed: ${failed.map((o) => o.partition).join(', ')}` : ''}`;
}

/** The innermost message of a child's failure: the activity's own words, not "Child Workflow execution failed". */
function causeOf(e: unknown): string {
  let error = e as { message?: string; cause?: unknown } | undefined;
  while (error && (error.cause as { message?: string } | undefined)?.message) error = error.cause as typeof error;
  return error?.message ?? String(e);
}
