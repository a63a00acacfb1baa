/**
 * `dif status`, `list`, `cancel`, `retry` without the terminal: everything comes from
 * Temporal (describe, visibility with DIF's search attributes, queries), so the CLI
 * keeps no state of its own.
 */
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { WorkflowFailedError, WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import type { IngestInput } from '../../core/contracts';
import { PARTITIONS_FAILED } from '../../core/partitions';
import { outcomeOf, type RunOutcome } from '../run/run';
import { InputError, parseDay } from '../../core/run-plan';
import type { Settings } from '../../adapters/settings';
import type { BackfillInput, BackfillProgress } from '../../workflows/backfill-types';
import { CUSTOMER, PARTITION, STREAM, VENDOR } from '../../workflows/search-attributes';
import { uiUrl } from '../shared/temporal-client';

export interface RunInfo {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  vendor?: string;
  customer?: string;
  stream?: string;
  /** The partition (account, property, profile) of a partitioned stream's run of one. */
  partition?: string;
  /** A partitioned stream's run that failed in some partitions: which (`dif retry` runs only those). */
  failedPartitions?: string[];
  startTime: string;
  closeTime?: string;
  summary?: string;
  uiUrl: string;
}

export function toRunInfo(settings: Settings, e: Omit<WorkflowExecutionInfo, 'raw'>): RunInfo {
  const summary = e.memo?.summary;
  return {
    workflowId: e.workflowId,
    runId: e.runId,
    type: e.type,
    status: e.status.name,
    vendor: e.typedSearchAttributes.get(VENDOR),
    customer: e.typedSearchAttributes.get(CUSTOMER),
    stream: e.typedSearchAttributes.get(STREAM),
    partition: e.typedSearchAttributes.get(PARTITION),
    failedPartitions: Array.isArray(e.memo?.failedPartitions) && e.memo.failedPartitions.length ? (e.memo.failedPartitions as string[]) : undefined,
    startTime: e.startTime.toISOString(),
    closeTime: e.closeTime?.toISOString(),
    summary: typeof summary === 'string' ? summary : undefined,
    uiUrl: uiUrl(settings, e.workflowId, e.runId),
  };
}

/** The run's state; for a backfill, also its window counts from the `progress` query. */
export async function runStatus(client: Client, settings: Settings, workflowId: string): Promise<RunInfo & { progress?: Omit<BackfillProgress, 'items'> }> {
  const handle = client.workflow.getHandle(workflowId);
  const info = toRunInfo(settings, await handle.describe());
  if (info.type !== 'backfill') return info;
  const { items: _items, ...progress } = await handle.query<BackfillProgress>('progress');
  return { ...info, progress };
}

const STATUSES: Record<string, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  timed_out: 'TimedOut',
  continued_as_new: 'ContinuedAsNew',
};

export interface ListFilter {
  vendor?: string;
  customer?: string;
  status?: string;
  since?: string;
  type?: string;
  /** Only runs started on this task queue (one DIF deployment's, when several share a namespace). */
  taskQueue?: string;
  limit?: number;
}

/**
 * Workflows that are parts of a run (workflows/fan-out-chunk.ts, workflows/job-polls.ts):
 * their parent is the run an operator looks for, so a list leaves them out unless `--type`
 * asks for one of them.
 */
export const PART_WORKFLOW_TYPES = ['fanOutChunk', 'jobPolls'] as const;

/** The visibility query for a filter; values are checked, never spliced in raw. */
export function listQuery(f: ListFilter): string {
  const safe = (v: string, what: string) => {
    if (!/^[A-Za-z0-9_.\-/]+$/.test(v)) throw new InputError(`${what} "${v}" may only hold letters, digits, '.', '_', '-' and '/'`);
    return v;
  };
  const parts: string[] = [];
  if (f.vendor) parts.push(`DifVendor = "${safe(f.vendor, '--vendor')}"`);
  if (f.customer) parts.push(`DifCustomer = "${safe(f.customer, '--customer')}"`);
  if (f.type) parts.push(`WorkflowType = "${safe(f.type, '--type')}"`);
  else parts.push(...PART_WORKFLOW_TYPES.map((type) => `WorkflowType != "${type}"`));
  if (f.taskQueue) parts.push(`TaskQueue = "${safe(f.taskQueue, 'task queue')}"`);
  if (f.status) {
    const s = STATUSES[f.status.toLowerCase()];
    if (!s) throw new InputError(`--status must be one of ${Object.keys(STATUSES).join(', ')}, got "${f.status}"`);
    parts.push(`ExecutionStatus = "${s}"`);
  }
  if (f.since) parts.push(`StartTime >= "${parseDay(f.since, '--since').toISOString()}"`);
  return parts.join(' AND ');
}

export async function listRuns(client: Client, settings: Settings, f: ListFilter): Promise<RunInfo[]> {
  const out: RunInfo[] = [];
  const query = listQuery(f) || undefined;
  for await (const e of client.workflow.list({ query })) {
    out.push(toRunInfo(settings, e));
    if (out.length >= (f.limit ?? 50)) break;
  }
  return out;
}

/**
 * Requests cancellation: an ingest run releases its semaphore and cancels its vendor job
 * on the way out; a backfill passes the cancellation to its running children.
 */
export async function cancelRun(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

/** The input a backfill was started with, read back from its first history event. */
export async function backfillInputOf(client: Client, backfillId: string): Promise<BackfillInput> {
  return closedRunInputOf<BackfillInput>(client, backfillId, 'backfill');
}

/** The workflow type of a run, or a clear InputError when there is none of that id. */
export async function runTypeOf(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).type;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new InputError(`no run ${workflowId}; \`dif list\` shows the runs`);
    throw e;
  }
}

/** The input a closed run of `type` was started with, read back from its first history event. */
async function closedRunInputOf<T>(client: Client, workflowId: string, type: 'backfill' | 'ingest'): Promise<T> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  if (description.type !== type) throw new InputError(`${workflowId} is a ${description.type} run, not ${type === 'ingest' ? 'an ingest run' : 'a backfill'}`);
  if (description.status.name === 'RUNNING') throw new InputError(`${type} ${workflowId} is still running; \`dif status ${workflowId}\` shows its progress`);
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InputError(`${type} ${workflowId} has no input in its history`);
  return defaultPayloadConverter.fromPayload<T>(payload);
}

/**
 * `dif retry <workflow id>` of a partitioned stream's run that failed in some partitions:
 * a new run under the same id, of only the partitions that failed (the others loaded).
 */
export async function retryFailedPartitions(client: Client, settings: Settings, workflowId: string): Promise<{ partitions: string[]; outcome: RunOutcome }> {
  const input = await closedRunInputOf<IngestInput>(client, workflowId, 'ingest');
  const handle = client.workflow.getHandle(workflowId);
  let failed: string[] | undefined;
  try {
    await handle.result();
  } catch (e) {
    const cause = e instanceof WorkflowFailedError ? e.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === PARTITIONS_FAILED) failed = (cause.details?.[0] as { failed?: string[] } | undefined)?.failed;
  }
  if (!failed?.length) {
    throw new InputError(`${workflowId} did not fail in some of its partitions; a run of one window is re-run with \`dif run\`, a backfill's windows with \`dif retry <backfill id>\``);
  }
  const started = await client.workflow.start('ingest', {
    taskQueue: settings.taskQueue,
    workflowId,
    args: [{ ...input, partitions: failed } satisfies IngestInput],
  });
  return { partitions: failed, outcome: await outcomeOf(settings, started) };
}
