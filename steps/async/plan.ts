/** An async step's plan: the polling schedule the workflow keeps on durable timers, and whether the job can be cancelled. */
import type { AsyncStepConfig } from './grammar';

export interface AsyncPlan {
  name: string;
  kind: 'async';
  poll: { intervalSeconds: number; backoff?: number; maxIntervalSeconds?: number; timeoutMinutes: number };
  cancellable: boolean;
}

export function planAsync(step: AsyncStepConfig): AsyncPlan {
  const { intervalSeconds, backoff, maxIntervalSeconds, timeoutMinutes } = step.poll;
  return { name: step.name, kind: 'async', poll: { intervalSeconds, backoff, maxIntervalSeconds, timeoutMinutes }, cancellable: Boolean(step.cancel) };
}
