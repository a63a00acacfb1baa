/** A dependent step's plan: where its items come from, and how the workflow batches the calls. */
import type { StepPlace } from '../kind';
import type { DependentStepConfig } from './grammar';

export interface DependentPlan {
  name: string;
  kind: 'dependent';
  /** Index of the step whose pages give the items. */
  from: number;
  /** Batches in flight at once. */
  concurrency: number;
  /** Items per fetchPages batch at most. */
  batchSize: number;
}

export function planDependent(step: DependentStepConfig, { index, all }: StepPlace): DependentPlan {
  const from = step.from === undefined ? index - 1 : all.findIndex((s) => s.name === step.from);
  return { name: step.name, kind: 'dependent', from, concurrency: step.concurrency ?? 4, batchSize: step.batchSize ?? 200 };
}
