/**
 * The action of a `dif schedule`: computes its window from the logical date the
 * schedule gave it and runs one ingest child per stream. Re-loading a window is
 * idempotent (the load merges by key), so children allow a duplicate id.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { executeChild, ParentClosePolicy, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { IngestOptions, IngestSummary } from '../core/contracts';
import { ingestWorkflowId, type DateWindow } from '../core/run-plan';
import { logicalWindow } from '../core/logical-window';
import type { ingest } from './ingest';

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

export interface ScheduledIngestInput {
  vendor: string;
  customer: string;
  streams: string[];
  lookbackDays: number;
  options?: IngestOptions;
}

export async function scheduledIngest(input: ScheduledIngestInput): Promise<{ window: DateWindow; runs: IngestSummary[] }> {
  const info = workflowInfo();
  // Set by the schedule on every run it starts (also on trigger and backfill); a run
  // started by hand falls back to its own start time.
  const logical = info.typedSearchAttributes.get(SCHEDULED_START) ?? info.startTime;
  const window = logicalWindow(new Date(logical), input.lookbackDays);
  const runs = await Promise.all(
    input.streams.map((stream) =>
      executeChild<typeof ingest>('ingest', {
        workflowId: ingestWorkflowId({ vendor: input.vendor, customer: input.customer, stream, window }),
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        args: [{ vendor: input.vendor, customer: input.customer, stream, window, options: input.options }],
      }),
    ),
  );
  upsertMemo({
    summary: `${window.from}..${window.to}: ${runs.reduce((n, r) => n + r.recordsFetched, 0)} records, ${runs.reduce((n, r) => n + r.rowsLoaded, 0)} rows`,
  });
  return { window, runs };
}
