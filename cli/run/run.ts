import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { IngestInput, IngestSummary } from '../../interpreter/contracts';
import { ingestWorkflowId, InputError, splitWindow, type DateWindow } from '../../interpreter/run-plan';
import type { VendorConfigs } from '../../adapters/vendor-configs';
import type { Settings } from '../../adapters/settings';
import { uiUrl } from '../shared/temporal-client';

export interface RunOutcome {
  workflowId: string;
  runId: string;
  status: 'COMPLETED' | 'FAILED';
  recordsFetched: number;
  rowsLoaded: number;
  uiUrl: string;
  error?: string;
  summary?: IngestSummary;
}

/**
 * Starts one ingest workflow per stream and window with deterministic ids, and waits for
 * each. A range longer than the vendor's largest window is split into windows. A run of the
 * same window already in flight is joined rather than started twice.
 */
export async function runIngestion(
  client: Client,
  settings: Settings,
  vendorConfigs: VendorConfigs,
  request: { vendor: string; customer: string; window: DateWindow; streams?: string[]; options?: IngestInput['options'] },
): Promise<RunOutcome[]> {
  const config = vendorConfigs.load(request.vendor); // unknown vendor or bad config: fail before starting anything
  const windows = splitWindow(request.window, config.window?.maxDays);
  const streams = request.streams?.length ? request.streams : Object.keys(config.streams);
  for (const s of streams) {
    if (!config.streams[s]) throw new InputError(`vendor "${request.vendor}" has no stream "${s}"; streams: ${Object.keys(config.streams).join(', ')}`);
  }
  const handles = await Promise.all(
    streams.flatMap((stream) => windows.map((window) => ({ stream, window }))).map(({ stream, window }) => {
      const input: IngestInput = { vendor: request.vendor, customer: request.customer, stream, window, options: request.options };
      return client.workflow.start('ingest', {
        taskQueue: settings.taskQueue,
        workflowId: ingestWorkflowId(input),
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      });
    }),
  );
  return Promise.all(
    handles.map(async (handle) => {
      const runId = handle.firstExecutionRunId;
      const link = uiUrl(settings, handle.workflowId, runId);
      try {
        const summary = (await handle.result()) as IngestSummary;
        return { workflowId: handle.workflowId, runId, status: 'COMPLETED' as const, recordsFetched: summary.recordsFetched, rowsLoaded: summary.rowsLoaded, uiUrl: link, summary };
      } catch (e) {
        const cause = e instanceof WorkflowFailedError ? rootMessage(e) : (e as Error).message;
        return { workflowId: handle.workflowId, runId, status: 'FAILED' as const, recordsFetched: 0, rowsLoaded: 0, uiUrl: link, error: cause };
      }
    }),
  );
}

/** The innermost failure's message: the activity's own words, not Temporal's wrappers. */
function rootMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
