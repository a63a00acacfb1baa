/** The static step's driver: one activity stores the records; no vendor call, so no permit. */
import type { FetchResult } from '../../interpreter/contracts';
import type { StepRun } from '../driver';
import type { StaticPlan } from './plan';

export async function staticStep({ room, inRoom, run }: StepRun, step: StaticPlan, stepIndex: number): Promise<FetchResult[]> {
  return [await room.storeStatic.executeWithOptions(inRoom(`static step "${step.name}"`), [{ run, stepIndex }])];
}
