/**
 * What `dif serve` shows, read fresh from the services an operator already trusts: vendors
 * (configs and MySQL), running and failed runs (Temporal visibility), lateness (the same
 * rows as `dif freshness`) and limits (semaphore holders against limits, from Redis). The
 * page (status-html.ts) and its JSON twin (/status.json) render this one snapshot. Runs are
 * those of this deployment's task queue (settings.taskQueue), so deployments sharing a
 * Temporal namespace each see their own.
 */
import type { Client } from '@temporalio/client';
import type { Settings } from '../../adapters/settings';
import type { RedisSemaphores } from '../../adapters/locks/semaphores';
import type { FreshnessState } from '../../core/freshness';
import { freshnessRows, type FreshnessRow, type FreshnessSources } from '../freshness/freshness';
import { listQuery, listRuns, toRunInfo, type RunInfo } from '../runs/runs';
import { readLocks } from '../locks/locks';
import { failureOf } from './run-failure';

export interface StatusSources extends FreshnessSources {
  semaphores: RedisSemaphores;
}

export interface SemaphoreUse {
  name: string;
  held: number;
  limit: number;
  waiting: number;
}

export interface VendorStatus {
  vendor: string;
  title: string;
  customers: number;
  api?: { version: string; sunset: string | null };
  /** The config's run-level semaphore: its scope and limit per scope. */
  semaphore: { scope: 'account' | 'customer'; limit: number };
  /** Semaphores of this vendor held or waited for now (one per account or customer in scope). */
  permits: SemaphoreUse[];
  /** Streams × customers in each freshness state. */
  freshness: Partial<Record<FreshnessState, number>>;
}

export interface FailedRun extends RunInfo {
  /** The failure's message and its root cause's (already scrubbed of secrets by the activities). */
  error?: string;
}

export interface StatusSnapshot {
  generatedAt: string;
  vendors: VendorStatus[];
  running: RunInfo[];
  failed: FailedRun[];
  /** Rows needing attention (late, failing, never loaded); fresh and untracked ones are only counted per vendor. */
  lateness: FreshnessRow[];
  /** Sections that could not be read (a service down): the rest of the page still shows. */
  problems: string[];
}

export interface StatusOptions {
  /** Most running and failed runs listed (each). */
  runs: number;
  /** Failed runs closed in these last hours. */
  failedHours: number;
}

export const DEFAULT_STATUS_OPTIONS: StatusOptions = { runs: 50, failedHours: 72 };
const ATTENTION: ReadonlySet<FreshnessState> = new Set(['late', 'failing', 'never-loaded']);
const FAILED_STATUSES = '("Failed", "TimedOut", "Terminated")';

export async function collectStatus(src: StatusSources, settings: Settings, options: StatusOptions = DEFAULT_STATUS_OPTIONS, nowMs = Date.now()): Promise<StatusSnapshot> {
  const problems: string[] = [];
  // Each section stands alone: Redis down must not hide the failed runs, and so on.
  const section = async <T>(name: string, read: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await read();
    } catch (e) {
      problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      return fallback;
    }
  };
  const [running, failed, freshness, locks] = await Promise.all([
    section('running runs (Temporal)', () => listRuns(src.temporal, settings, { status: 'running', taskQueue: settings.taskQueue, limit: options.runs }), []),
    section('failed runs (Temporal)', () => failedRuns(src.temporal, settings, options, nowMs), []),
    section('lateness (warehouse audit, Temporal)', () => freshnessRows(src, {}, nowMs), []),
    section('limits (Redis)', () => readLocks(src.semaphores, 'vendor:'), []),
  ]);
  const vendors = await section('vendors (configs, MySQL)', () => vendorStatuses(src, freshness, locks), []);
  return {
    generatedAt: new Date(nowMs).toISOString(),
    vendors,
    running,
    failed,
    lateness: freshness.filter((r) => ATTENTION.has(r.state)),
    problems,
  };
}

async function failedRuns(temporal: Client, settings: Settings, options: StatusOptions, nowMs: number): Promise<FailedRun[]> {
  const since = new Date(nowMs - options.failedHours * 3_600_000).toISOString();
  const query = `${listQuery({ taskQueue: settings.taskQueue })} AND ExecutionStatus IN ${FAILED_STATUSES} AND CloseTime >= "${since}"`;
  const runs: RunInfo[] = [];
  for await (const e of temporal.workflow.list({ query })) {
    runs.push(toRunInfo(settings, e));
    if (runs.length >= options.runs) break;
  }
  return Promise.all(runs.map(async (r) => ({ ...r, ...(await failureOf(temporal, r.workflowId, r.runId)) })));
}

async function vendorStatuses(src: StatusSources, freshness: FreshnessRow[], locks: Awaited<ReturnType<typeof readLocks>>): Promise<VendorStatus[]> {
  const out: VendorStatus[] = [];
  for (const vendor of src.configs.vendors()) {
    const config = src.configs.load(vendor);
    const counts: VendorStatus['freshness'] = {};
    for (const r of freshness) if (r.vendor === vendor) counts[r.state] = (counts[r.state] ?? 0) + 1;
    out.push({
      vendor,
      title: config.title,
      customers: (await src.customers.listCustomersOfVendor(vendor)).length,
      ...(config.api ? { api: { version: config.api.version, sunset: config.api.sunset } } : {}),
      semaphore: { scope: config.semaphore.scope, limit: config.semaphore.limit },
      permits: locks
        .filter((l) => l.name.split(':')[1] === vendor)
        .map((l) => ({ name: l.name, held: l.holders.length, limit: l.limit, waiting: l.waiters.length })),
      freshness: counts,
    });
  }
  return out;
}
