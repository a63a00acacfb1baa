/**
 * `dif status`, `list`, `cancel`, `retry` without the terminal: everything comes from
 * Temporal (describe, visibility with DIF's search attributes, queries), so the CLI
 * keeps no state of its own.
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { InputError, parseDay } from '../../core/run-plan';
import type { Settings } from '../../adapters/settings';
import type { BackfillInput, BackfillProgress } from '../../workflows/backfill-types';
import { CUSTOMER, STREAM, VENDOR } from '../../workflows/search-attributes';
import { uiUrl } from '../shared/temporal-client';

export interface RunInfo {
  workflowId: string;
  runId: string;
  type: string;
  status: string;
  vendor?: string;
  customer?: string;
  stream?: string;
  startTime: string;
  closeTime?: string;
  summary?: string;
  uiUrl: string;
}

function toRunInfo(settings: Settings, e: Omit<WorkflowExecutionInfo, 'raw'>): RunInfo {
  const summary = e.memo?.summary;
  return {
    workflowId: e.workflowId,
    runId: e.runId,
    type: e.type,
    status: e.status.name,
    vendor: e.typedSearchAttributes.get(VENDOR),
    customer: e.typedSearchAttributes.get(CUSTOMER),
    stream: e.typedSearchAttributes.get(STREAM),
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
  const handle = client.workflow.getHandle(backfillId);
  const description = await handle.describe();
  if (description.type !== 'backfill') throw new InputError(`${backfillId} is a ${description.type} run, not a backfill`);
  if (description.status.name === 'RUNNING') throw new InputError(`backfill ${backfillId} is still running; \`dif status ${backfillId}\` shows its progress`);
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InputError(`backfill ${backfillId} has no input in its history`);
  return defaultPayloadConverter.fromPayload<BackfillInput>(payload);
}
