/** A paginated step's plan: its pagination runs inside one fetchPages, so the workflow needs only its name. */
import type { PaginatedStepConfig } from './grammar';

export interface PaginatedPlan {
  name: string;
  kind: 'paginated';
}

export const planPaginated = (step: PaginatedStepConfig): PaginatedPlan => ({ name: step.name, kind: step.kind });
