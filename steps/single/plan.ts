/** A single step's plan: the workflow needs only its name to schedule its one fetchPages. */
import type { SingleStepConfig } from './grammar';

export interface SinglePlan {
  name: string;
  kind: 'single';
}

export const planSingle = (step: SingleStepConfig): SinglePlan => ({ name: step.name, kind: step.kind });
