/**
 * A backfill: many ingest windows run as child workflows, at most `parallel` at a time.
 * It lives in Temporal, not in the CLI, so closing the terminal stops nothing; the CLI
 * only watches it through the `progress` query.
 *
 * Children keep the deterministic ingest ids and are started with
 * ALLOW_DUPLICATE_FAILED_ONLY: a window whose last run completed is refused by the
 * server and counted as skipped, so re-running an interrupted backfill (or `dif retry`)
 * runs only the windows that never completed. REQUEST_CANCEL on parent close lets an
 * interrupted backfill's children release their semaphores on their way out.
 */
import {
  CancellationScope,
  CancelledFailure,
  defineQuery,
  isCancellation,
  executeChild,
  ParentClosePolicy,
  setHandler,
  upsertMemo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ingestWorkflowId } from '../core/run-plan';
import { mapWithConcurrency } from './concurrency';
import { countProgress, type BackfillInput, type BackfillProgress, type ItemResult } from './backfill-types';
import type { ingest } from './ingest';

export const progressQuery = defineQuery<BackfillProgress>('progress');

export async function backfill(input: BackfillInput): Promise<BackfillProgress> {
  const results: ItemResult[] = input.items.map((item) => ({
    ...item,
    workflowId: ingestWorkflowId({ vendor: input.vendor, ...item }),
    status: 'pending',
  }));
  setHandler(progressQuery, () => countProgress(results));

  await mapWithConcurrency(results, Math.max(1, input.parallel), async (result) => {
    // Once the backfill is cancelled, windows not yet started stay pending.
    if (CancellationScope.current().consideredCancelled) return;
    result.status = 'running';
    try {
      const summary = await executeChild<typeof ingest>('ingest', {
        workflowId: result.workflowId,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        // An incremental stream's backfill reads by its window and stores no cursor (workflows/incremental.ts).
        args: [{ vendor: input.vendor, customer: result.customer, stream: result.stream, window: result.window, options: input.options, incremental: 'window' }],
      });
      Object.assign(result, { status: 'completed', recordsFetched: summary.recordsFetched, rowsLoaded: summary.rowsLoaded } satisfies Partial<ItemResult>);
    } catch (e) {
      if (isCancellation(e)) {
        result.status = 'failed';
        result.error = 'cancelled';
      } else if (e instanceof WorkflowExecutionAlreadyStartedError) {
        result.status = 'skipped'; // completed before (or running under another starter)
      } else {
        result.status = 'failed';
        result.error = rootMessage(e);
      }
    }
  });

  const progress = countProgress(results);
  // A cancelled backfill ends as cancelled (its children were cancelled with it), not as completed.
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure(`backfill cancelled: ${progress.completed} completed, ${progress.pending} never started`);
  // The Web UI shows the memo on the run's page: the outcome without opening the history.
  upsertMemo({ summary: `${progress.completed} completed, ${progress.skipped} skipped, ${progress.failed} failed of ${progress.total} windows` });
  return progress;
}

function rootMessage(error: unknown): string {
  let current = error as Error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
