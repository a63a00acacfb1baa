/** A static step's plan: its name is all the workflow needs. */
import type { StaticStepConfig } from './grammar';

export interface StaticPlan {
  name: string;
  kind: 'static';
}

export const planStatic = (step: StaticStepConfig): StaticPlan => ({ name: step.name, kind: step.kind });
