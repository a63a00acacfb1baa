/** Decisions of an asynchronous report job: what a status means and how long to wait. */
import type { AsyncStepConfig } from './config-schema';

export type JobState = 'running' | 'done' | 'failed';

/** A job that ended with nothing to deliver is done: the download then gives no records (see endedEmpty). */
export function jobState(poll: AsyncStepConfig['poll'], status: unknown): JobState {
  const s = String(status);
  if (poll.done.includes(s) || endedEmpty(poll, s)) return 'done';
  if (poll.failed.includes(s)) return 'failed';
  return 'running';
}

/**
 * Seconds to wait before poll number `attempt` (1-based for the wait after the first poll).
 * An ETA or Retry-After from the vendor wins, within [interval, maxInterval].
 */
export function pollDelaySeconds(
  poll: Pick<AsyncStepConfig['poll'], 'intervalSeconds' | 'backoff' | 'maxIntervalSeconds'>,
    attempt: number,
  vendorHintSeconds?: number,
): number {
  const max = poll.maxIntervalSeconds ?? 600;
  if (vendorHintSeconds !== undefined && Number.isFinite(vendorHintSeconds) && vendorHintSeconds > 0) {
    return Math.min(max, Math.max(poll.intervalSeconds, vendorHintSeconds));
  }
  return Math.min(max, poll.intervalSeconds * Math.pow(poll.backoff ?? 1.5, Math.max(0, attempt - 1)));
}

/** Whether the final status says the job found nothing (`poll.empty`), so there is no file to fetch. */
export function endedEmpty(poll: AsyncStepConfig['poll'], status: unknown): boolean {
  return poll.empty?.includes(String(status)) ?? false;
}
