/**
 * The step kinds' workflow drivers, one line each. Loaded into the workflow bundle: only
 * drivers and pure code here, never activities or runtime code.
 */
import type { StepDriver } from './driver';
import type { StepKindName, StepPlanOf } from './registry';
import { fetchPagesOnce } from './shared/workflow';
import { dependentStep } from './dependent/workflow';
import { asyncStep } from './async/workflow';
import { filesStep } from './files/workflow';

/** Every kind has its driver: a kind missing here is a compile error. */
const stepDrivers: { [K in StepKindName]: StepDriver<StepPlanOf<K>> } = {
  single: fetchPagesOnce,
  paginated: fetchPagesOnce,
  dependent: dependentStep,
  async: asyncStep,
  files: filesStep,
};

/** The driver of a kind, typed by it: `driverOf(step.kind)(run, step, i)` type-checks for a step of any kind. */
export function driverOf<K extends StepKindName>(kind: K): StepDriver<StepPlanOf<K>> {
  const driver = stepDrivers[kind];
  // A plan made by a newer worker (a kind this code does not know): fail the workflow task, so a newer worker takes it.
  if (!driver) throw new Error(`no driver for step kind "${kind}" in this worker`);
  return driver;
}
