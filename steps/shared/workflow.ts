/** The driver of the kinds that fetch in one activity (single, paginated): a long pagination stays inside it, checkpointed. */
import type { StepDriver } from '../driver';
import type { SinglePlan } from '../single/plan';
import type { PaginatedPlan } from '../paginated/plan';

export const fetchPagesOnce: StepDriver<SinglePlan | PaginatedPlan> = async ({ gate, room, inRoom, run, permit }, step, stepIndex) => {
  await gate.take();
  return [await room.fetchPages.executeWithOptions(inRoom(`${step.kind} step "${step.name}"`), [{ run, stepIndex, permit }])];
};
