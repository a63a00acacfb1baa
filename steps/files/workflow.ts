/** The files step's driver. */
import type { FetchResult } from '../../core/contracts';
import type { StepRun } from '../driver';
import type { FilesPlan } from './plan';

export async function filesStep(ctx: StepRun, step: FilesPlan, stepIndex: number): Promise<FetchResult[]> {
  return [await files(ctx, step, stepIndex)];
}

/** Takes the window's files; with expect `wait`, looks again on a durable timer until the activity gives up. */
async function files(ctx: StepRun, step: FilesPlan, stepIndex: number): Promise<FetchResult> {
  const { gate, room, inRoom, run, permit } = ctx;
  for (let look = 1; ; look++) {
    await gate.take();
    const result = await room.fetchFiles.executeWithOptions(inRoom(`files step "${step.name}"${look > 1 ? ` (look #${look})` : ''}`), [{ run, stepIndex, permit, look }]);
    if (result.waitSeconds === undefined) return result;
    await gate.wait(result.waitSeconds * 1000);
  }
}
