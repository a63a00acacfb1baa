import { WorkflowFailedError, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { IngestInput, IngestSummary } from '../../core/contracts';
import { checkWindow, ingestWorkflowId, InputError, parseDay, splitWindow, type DateWindow } from '../../core/run-plan';
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
 * `dif run` starts every window at once and waits for all of them, so it is for a few
 * windows; a range needing more is a backfill (N at a time, resumable, watched from Temporal).
 */
export const DEFAULT_MAX_RUN_WINDOWS = 12;
/** Ceiling of --max-windows itself: past it, only `dif backfill` keeps the load bounded. */
export const MAX_RUN_WINDOWS = 100;

export interface RunRequest {
  vendor: string;
  customer: string;
  window: DateWindow;
  streams?: string[];
  options?: IngestInput['options'];
  /** At most this many workflows (windows × streams); default DEFAULT_MAX_RUN_WINDOWS. */
  maxWindows?: number;
}

/**
 * The workflows a run starts, one per stream and window, checked before anything starts: an
 * unknown vendor or stream, a bad date, or more windows than `maxWindows` is refused here.
 */
export function planRun(vendorConfigs: VendorConfigs, request: RunRequest): IngestInput[] {
  const config = vendorConfigs.load(request.vendor);
  const maxDays = config.window?.maxDays;
  const streams = request.streams?.length ? request.streams : Object.keys(config.streams);
  for (const s of streams) {
    if (!config.streams[s]) throw new InputError(`vendor "${request.vendor}" has no stream "${s}"; streams: ${Object.keys(config.streams).join(', ')}`);
  }
  const max = request.maxWindows ?? DEFAULT_MAX_RUN_WINDOWS;
  // Counted before splitting: a range of centuries in 1-day windows is refused, not built.
  checkWindow(request.window);
  const days = Math.round((parseDay(request.window.to, '--to').getTime() - parseDay(request.window.from, '--from').getTime()) / 86_400_000) + 1;
  const windowCount = maxDays ? Math.ceil(days / maxDays) : 1;
  const count = windowCount * streams.length;
  if (count > max) {
    throw new InputError(
      `${request.window.from}..${request.window.to} makes ${count} workflows (${windowCount} windows of at most ${maxDays} days × ${streams.length} stream${streams.length === 1 ? '' : 's'}), ` +
        `more than dif run starts at once (--max-windows ${max}); run them a few at a time with: ` +
        `dif backfill ${request.vendor} --customer ${request.customer} --from ${request.window.from} --to ${request.window.to} --parallel 4`,
    );
  }
  const windows = splitWindow(request.window, maxDays);
  return streams.flatMap((stream) => windows.map((window) => ({ vendor: request.vendor, customer: request.customer, stream, window, options: request.options })));
}

/**
 * Starts one ingest workflow per stream and window with deterministic ids, and waits for
 * each. A range longer than the vendor's largest window is split into windows. A run of the
 * same window already in flight is joined rather than started twice.
 */
export async function runIngestion(client: Client, settings: Settings, vendorConfigs: VendorConfigs, request: RunRequest): Promise<RunOutcome[]> {
  const inputs = planRun(vendorConfigs, request); // unknown vendor, bad config, too many windows: fail before starting anything
  const handles = await Promise.all(
    inputs.map((input) =>
      client.workflow.start('ingest', {
        taskQueue: settings.taskQueue,
        workflowId: ingestWorkflowId(input),
        workflowIdConflictPolicy: 'USE_EXISTING',
        args: [input],
      }),
    ),
  );
  return Promise.all(handles.map((handle) => outcomeOf(settings, handle)));
}

/** Waits for an ingest run and says how it ended. */
export async function outcomeOf(settings: Settings, handle: WorkflowHandleWithFirstExecutionRunId): Promise<RunOutcome> {
  const runId = handle.firstExecutionRunId;
  const link = uiUrl(settings, handle.workflowId, runId);
  try {
    const summary = (await handle.result()) as IngestSummary;
    return { workflowId: handle.workflowId, runId, status: 'COMPLETED' as const, recordsFetched: summary.recordsFetched, rowsLoaded: summary.rowsLoaded, uiUrl: link, summary };
  } catch (e) {
    const cause = e instanceof WorkflowFailedError ? rootMessage(e) : (e as Error).message;
    return { workflowId: handle.workflowId, runId, status: 'FAILED' as const, recordsFetched: 0, rowsLoaded: 0, uiUrl: link, error: cause };
  }
}

/** The innermost failure's message: the activity's own words, not Temporal's wrappers. */
function rootMessage(error: Error): string {
  let current: Error = error;
  while (current.cause instanceof Error) current = current.cause;
  return current.message;
}
