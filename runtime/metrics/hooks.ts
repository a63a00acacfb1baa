/**
 * The small calls activities and adapters make to record what happened; each one line at
 * its call site, so the code measured stays readable and the metric definitions stay in
 * dif-metrics.ts. None of them throws: a metric must never fail a run.
 */
import * as m from './dif-metrics';
import { retryAfterMs } from '../../core/retry-after';

let customerLabels = process.env.DIF_METRICS_CUSTOMER_LABELS === '1';

/** Tests turn the customer label on and off; production sets DIF_METRICS_CUSTOMER_LABELS. */
export function useCustomerLabels(on: boolean): void {
  customerLabels = on;
}

/** The customer label, empty (which Prometheus treats as absent) unless enabled. */
export function customerLabel(customer: string): string {
  return customerLabels ? customer : '';
}

export interface RunLabels {
  vendor: string;
  stream: string;
  customer: string;
}

export function runStarted(run: RunLabels): void {
  m.runsStarted.inc({ vendor: run.vendor, stream: run.stream, customer: customerLabel(run.customer) });
}

export function runEnded(run: RunLabels, status: 'completed' | 'failed' | 'cancelled', seconds: number, pages?: number): void {
  const labels = { vendor: run.vendor, stream: run.stream, customer: customerLabel(run.customer) };
  if (status === 'completed') m.runsCompleted.inc(labels);
  else m.runsFailed.inc({ ...labels, status });
  m.runSeconds.observe({ vendor: run.vendor, stream: run.stream, status }, Math.max(0, seconds));
  if (pages) m.pagesFetched.inc({ vendor: run.vendor, stream: run.stream }, pages);
}

/** One vendor answer (or a request that got none): its class, and the wait a 429/503's Retry-After asked for. */
export function vendorAnswered(vendor: string, status: number | 'network', retryAfter?: string | null): void {
  m.vendorCalls.inc({ vendor, status: statusClass(status) });
  if (status !== 429 && status !== 503) return;
  const waitMs = retryAfterMs(retryAfter ?? null, Date.now());
  if (waitMs && waitMs > 0) m.retryAfterSeconds.inc({ vendor }, waitMs / 1000);
}

export function statusClass(status: number | 'network'): string {
  if (status === 'network') return 'network';
  if (status === 429) return '429';
  return `${Math.floor(status / 100)}xx`;
}

export function limiterWaited(vendor: string, waitMs: number): void {
  if (waitMs > 0) m.limiterWaitSeconds.inc({ vendor }, waitMs / 1000);
}

export function csvWritten(vendor: string, stream: string, records: number, rejected: number): void {
  m.recordsWritten.inc({ vendor, stream }, records);
  if (rejected) m.csvRejects.inc({ vendor, stream }, rejected);
}

/** Times a warehouse load and counts its rows. */
export async function timedLoad<T extends { rowsInserted: number; rowsReplaced: number; rowsRemoved?: number }>(vendor: string, stream: string, load: () => Promise<T>): Promise<T> {
  const end = m.loadSeconds.startTimer({ vendor, stream });
  try {
    const result = await load();
    end({ status: 'ok' });
    m.loadRows.inc({ vendor, stream, change: 'inserted' }, result.rowsInserted);
    m.loadRows.inc({ vendor, stream, change: 'replaced' }, result.rowsReplaced);
    // replaceWindow: rows of the window the new load did not bring back.
    if (result.rowsRemoved) m.loadRows.inc({ vendor, stream, change: 'removed' }, result.rowsRemoved);
    return result;
  } catch (e) {
    end({ status: 'failed' });
    throw e;
  }
}

export function asyncJobDone(vendor: string, stream: string, seconds: number): void {
  m.asyncJobSeconds.observe({ vendor, stream }, Math.max(0, seconds));
}

export function stored(key: string, bytes: number): void {
  m.bytesStored.inc({ kind: key.split('/')[0] || 'other' }, bytes);
}

/**
 * A semaphore's name as a label: the customer part masked (`vendor:x:customer:*`) unless
 * customer labels are on, so a customer-scoped vendor gives one series, not hundreds.
 */
export function semaphoreLabel(key: string): string {
  return customerLabels ? key : key.replace(/(^|:)customer:[^:]+/, '$1customer:*');
}

export function permitAcquired(key: string, waitedMs: number): void {
  m.permitWaitSeconds.observe({ semaphore: semaphoreLabel(key) }, Math.max(0, waitedMs) / 1000);
  semaphoresSeen.add(key);
  if (semaphoresSeen.size > MAX_SEMAPHORES_WATCHED) semaphoresSeen.delete(semaphoresSeen.values().next().value as string);
}

/** Semaphores this worker took permits of: their holders are read from Redis at each scrape. */
const semaphoresSeen = new Set<string>();
const MAX_SEMAPHORES_WATCHED = 2000;

export interface SemaphoreReader {
  snapshot(name: string): Promise<{ limit: number; holders: unknown[] }>;
}

/**
 * Reads the holders of every semaphore seen at scrape time (so the gauge is the fleet's,
 * not this worker's guess), summed per label. A Redis failure leaves the gauge as it was.
 */
export function watchSemaphores(semaphores: SemaphoreReader): void {
  collectHolders = async () => {
    const holders = new Map<string, number>();
    const limits = new Map<string, number>();
    await Promise.all(
      [...semaphoresSeen].map(async (key) => {
        const snap = await semaphores.snapshot(key);
        const label = semaphoreLabel(key);
        holders.set(label, (holders.get(label) ?? 0) + snap.holders.length);
        limits.set(label, (limits.get(label) ?? 0) + snap.limit);
      }),
    );
    m.permitHolders.reset();
    m.permitLimit.reset();
    for (const [semaphore, n] of holders) m.permitHolders.set({ semaphore }, n);
    for (const [semaphore, n] of limits) m.permitLimit.set({ semaphore }, n);
  };
}

let collectHolders: (() => Promise<void>) | undefined;

/** Everything read at scrape time, before the registry is rendered. */
export async function beforeScrape(): Promise<void> {
  await collectHolders?.().catch(() => undefined);
}
