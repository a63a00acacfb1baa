/** A dependent step takes its items from an earlier step, and its requests name where they go. */
import type { ConfigProblem } from '../../core/validate';
import type { StepCheckPlace } from '../kind';
import { checkRequests } from '../shared/validate';
import type { DependentStepConfig } from './grammar';

export function checkDependent(step: DependentStepConfig, { at, index, earlier }: StepCheckPlace, out: ConfigProblem[]): void {
  if (index === 0) out.push({ path: `${at}.kind`, message: 'a dependent step needs an earlier step to take its items from' });
  if (step.from !== undefined && !earlier.has(step.from)) out.push({ path: `${at}.from`, message: `"${step.from}" is not an earlier step of this stream` });
  checkRequests(step, at, out);
}
