/**
 * An async step's plan: the polling schedule the workflow keeps on durable timers, whether
 * the job can be cancelled, and, for a job per batch of an earlier step's items, where the
 * items come from and how many go in a job.
 */
import type { StepPlace } from '../kind';
import type { AsyncStepConfig } from './grammar';

export interface AsyncPlan {
  name: string;
  kind: 'async';
  poll: { intervalSeconds: number; backoff?: number; maxIntervalSeconds?: number; timeoutMinutes: number };
  cancellable: boolean;
  /** A job per batch of items (`items`): absent for a single job. */
  batches?: { from: number; batchSize: number };
}

export function planAsync(step: AsyncStepConfig, { index, all }: StepPlace): AsyncPlan {
  const { intervalSeconds, backoff, maxIntervalSeconds, timeoutMinutes } = step.poll;
  const plan: AsyncPlan = { name: step.name, kind: 'async', poll: { intervalSeconds, backoff, maxIntervalSeconds, timeoutMinutes }, cancellable: Boolean(step.cancel) };
  if (step.items === undefined) return plan;
  const from = step.from === undefined ? index - 1 : all.findIndex((s) => s.name === step.from);
  return { ...plan, batches: { from, batchSize: step.batchSize ?? 1 } };
}

/** One job's share of the items: [start, end) of the list stored at itemsKey. */
export interface JobBatch {
  itemsKey: string;
  start: number;
  end: number;
}
