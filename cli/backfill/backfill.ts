/**
 * `dif backfill` without the terminal: plan the windows, look up which already
 * completed, start (or join) the backfill workflow, and watch it through its query.
 * Rendering lives in cli/backfill/command.ts.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { IngestOptions } from '../../core/contracts';
import { ingestWorkflowId, InputError, splitWindow } from '../../core/run-plan';
import type { VendorConfigs } from '../../adapters/vendor-configs';
import type { Settings } from '../../adapters/settings';
import type { BackfillInput, BackfillItem, BackfillProgress } from '../../workflows/backfill-types';
import { CUSTOMER, VENDOR, WINDOW_START } from '../../workflows/search-attributes';
import { mapWithConcurrency as mapLimit } from '../../workflows/concurrency';

/** Above this a single workflow's history would grow too long; split the range instead. */
export const MAX_WINDOWS = 2000;

/** Windows of one backfill running at once. Vendors' semaphores cap real concurrency anyway; past this, a typo (1000 for 10) would fill the task queue. */
export const MAX_PARALLEL = 50;

export interface BackfillRequest {
  vendor: string;
  /** A customer id, or 'all' with `customers` listed from MySQL. */
  customer: string;
  customers: string[];
  from: string;
  to: string;
  windowDays?: number;
  streams?: string[];
  parallel: number;
  options?: IngestOptions;
}

export interface PlannedItem extends BackfillItem {
  workflowId: string;
  /** The last run of this window's id, as visibility knows it: 'NEW' if never run. */
  lastStatus: string;
}

export interface BackfillPlan {
  backfillId: string;
  input: BackfillInput;
  items: PlannedItem[];
}

/** Parses `7d` (or `7`) into days. */
export function parseWindowDays(value: string): number {
  const m = /^(\d+)d?$/.exec(value.trim());
  if (!m || +m[1] < 1) throw new InputError(`--window must be a number of days such as 7d, got "${value}"`);
  return +m[1];
}

/** Deterministic, so re-running the same command finds (or restarts) the same backfill. */
export function backfillWorkflowId(r: Pick<BackfillRequest, 'vendor' | 'customer' | 'from' | 'to' | 'windowDays' | 'streams'>): string {
  const streams = r.streams?.length ? `/${[...r.streams].sort().join('+')}` : '';
  return `backfill/${r.vendor}/${r.customer}${streams}/${r.from}..${r.to}${r.windowDays ? `/${r.windowDays}d` : ''}`;
}

export async function planBackfill(client: Client, vendorConfigs: VendorConfigs, r: BackfillRequest): Promise<BackfillPlan> {
  const config = vendorConfigs.load(r.vendor);
  const maxDays = config.window?.maxDays;
  const days = r.windowDays && maxDays ? Math.min(r.windowDays, maxDays) : (r.windowDays ?? maxDays);
  const windows = splitWindow({ from: r.from, to: r.to }, days);
  const streams = r.streams?.length ? r.streams : Object.keys(config.streams);
  for (const s of streams) {
    if (!config.streams[s]) throw new InputError(`vendor "${r.vendor}" has no stream "${s}"; streams: ${Object.keys(config.streams).join(', ')}`);
  }
  if (r.customers.length === 0) throw new InputError(`no customer uses vendor "${r.vendor}"`);
  const items: BackfillItem[] = r.customers.flatMap((customer) => streams.flatMap((stream) => windows.map((window) => ({ customer, stream, window }))));
  if (items.length > MAX_WINDOWS) throw new InputError(`${items.length} windows in one backfill; at most ${MAX_WINDOWS}: use a larger --window or a shorter range`);
  const planned = await mapLimit(items, 8, async (item) => {
    const workflowId = ingestWorkflowId({ vendor: r.vendor, ...item });
    return { ...item, workflowId, lastStatus: await lastStatus(client, workflowId) };
  });
  return {
    backfillId: backfillWorkflowId(r),
    items: planned,
    input: {
      vendor: r.vendor,
      request: { customer: r.customer, from: r.from, to: r.to, windowDays: r.windowDays, streams: r.streams },
      items,
      parallel: r.parallel,
      options: r.options,
    },
  };
}

async function lastStatus(client: Client, workflowId: string): Promise<string> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return 'NEW';
    throw e;
  }
}

/** Starts the backfill workflow, or joins the one with this id already running. */
export async function startBackfill(client: Client, settings: Settings, plan: BackfillPlan): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const { input } = plan;
  return client.workflow.start('backfill', {
    taskQueue: settings.taskQueue,
    workflowId: plan.backfillId,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [input],
    typedSearchAttributes: [
      { key: VENDOR, value: input.vendor },
      { key: CUSTOMER, value: input.request.customer },
      { key: WINDOW_START, value: new Date(`${input.request.from}T00:00:00Z`) },
    ],
    memo: { summary: `backfill of ${input.items.length} windows, ${input.parallel} at a time` },
  });
}

/** Polls the backfill's progress query until it ends; returns its result. */
export async function watchBackfill(
  handle: WorkflowHandle,
  onProgress: (p: BackfillProgress) => void,
  intervalMs = 500,
): Promise<BackfillProgress> {
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  }) as Promise<BackfillProgress>;
  result.catch(() => undefined); // awaited below
  while (!done) {
    try {
      onProgress(await handle.query<BackfillProgress>('progress'));
    } catch {
      // A query can fail while the workflow is between tasks or just closed; the next poll or the result tells.
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  const final = await result;
  onProgress(final);
  return final;
}
