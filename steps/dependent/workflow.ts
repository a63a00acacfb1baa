/** The dependent step's driver: one call per item of an earlier step, in batches. */
import type { FetchResult } from '../../core/contracts';
import { patched } from '@temporalio/workflow';
import { mapWithConcurrency } from '../../workflows/concurrency';
import { DEFAULT_FAN_OUT_CHUNK_BATCHES, fanOutInChunks } from '../../workflows/fan-out-chunk';
import type { StepRun } from '../driver';
import type { DependentPlan } from './plan';

export function dependentStep(ctx: StepRun, step: DependentPlan, stepIndex: number): Promise<FetchResult[]> {
  return fanOut(ctx, step, stepIndex, ctx.lists[step.from ?? stepIndex - 1]);
}

/**
 * One call per item of an earlier step, in batches: `concurrency` batches at a time. Past
 * `fanOutChunkBatches` batches they run in chunk child workflows (workflows/fan-out-chunk.ts),
 * so no run's history grows with the number of items.
 */
async function fanOut(ctx: StepRun, step: DependentPlan, stepIndex: number, fromLists: string[]): Promise<FetchResult[]> {
  const { gate, room, inRoom, run, permit, options } = ctx;
  await gate.take();
  const items = await room.planItems.executeWithOptions(inRoom(`items for "${step.name}"`), [{ run, stepIndex, fromLists, permit }]);
  const { concurrency } = step;
  // Spread small fan-outs over `concurrency` batches; cap large ones at `batchSize` items.
  const size = Math.max(1, Math.min(step.batchSize, Math.ceil(items.count / concurrency)));
  const batches: { start: number; end: number }[] = [];
  for (let start = 0; start < items.count; start += size) batches.push({ start, end: Math.min(items.count, start + size) });
  const chunkBatches = options.fanOutChunkBatches ?? DEFAULT_FAN_OUT_CHUNK_BATCHES;
  if (batches.length > chunkBatches && patched('bounded-history')) {
    const fanOutPlan = { run, stepIndex, stepName: step.name, permit, itemsKey: items.itemsKey, itemCount: items.count, batchSize: size, concurrency, activityOptions: ctx.activityOptions };
    return fanOutInChunks(fanOutPlan, chunkBatches);
  }
  return mapWithConcurrency(batches, concurrency, (batch) =>
    room.fetchPages.executeWithOptions(inRoom(`dependent step "${step.name}", items ${batch.start + 1}–${batch.end} of ${items.count}`), [
      { run, stepIndex, permit, items: { itemsKey: items.itemsKey, ...batch } },
    ]),
  );
}
