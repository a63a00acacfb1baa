/**
 * A dependent step's fan-out in chunks, so that no run's history grows with the number of
 * batches. Each batch costs its run about six events (an activity's three and a workflow
 * task's); Temporal ends a run at 51,200, so 50,000 items with `batchSize: 1` cannot run in
 * one history. Past `chunkBatches` batches, the ingest run starts one child workflow per
 * chunk, one after the other; a child runs its batches `concurrency` at a time exactly as
 * the ingest run does, stores the list of its batches' page-set lists in the object store
 * (activities/raw-lists.ts), and returns that one key. The ingest run keeps one key per
 * chunk, and activities/page-sets.ts reads such a key wherever a page-set list is read.
 *
 * The vendor permit: children call the vendor under the ingest run's PermitRef (its holder
 * string), so to the semaphore the batches are the run's calls as before, and a child never
 * takes or gives back the permit itself. That is right in both `semaphore.hold` modes: the
 * ingest run takes the permit before the items are planned (gate.take) and a fan-out has no
 * durable wait in it, so `calls` and `job` alike hold it through every chunk, and every
 * batch's activity renews the lease as it did. Whatever ends the fan-out (a child failing,
 * the run cancelled, which cancels the running child) the ingest run's `finally` gives the
 * permit back, as for any other step.
 */
import { executeChild, proxyActivities, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { FetchResult, RunContext } from '../interpreter/contracts';
import { mapWithConcurrency } from './concurrency';

/**
 * A chunk of 1,000 batches measured 3,713 events (4 at a time, 50,000 items); 500 keep a
 * chunk near 1,900. The bound is per step, and a fan-out under it runs in the ingest run
 * itself: with 500, even a stream of three or four such dependent steps keeps the ingest
 * run well under 10,000 events.
 */
export const DEFAULT_FAN_OUT_CHUNK_BATCHES = 500;

export interface FanOutChunkInput {
  run: RunContext;
  stepIndex: number;
  stepName: string;
  permit: PermitRef;
  itemsKey: string;
  /** All items of the step, for the activities' summaries. */
  itemCount: number;
  /** This chunk's items [start, end), cut into batches of `batchSize`. */
  start: number;
  end: number;
  batchSize: number;
  concurrency: number;
  chunk: number;
  /** The ingest run's options for vendor activities (task queue included: a clean room's). */
  activityOptions: ActivityOptions;
}

export type FanOutPlan = Omit<FanOutChunkInput, 'start' | 'end' | 'chunk'>;

/** Runs the fan-out's batches in child workflows of `chunkBatches` batches each, one chunk after the other; one result per chunk. */
export async function fanOutInChunks(plan: FanOutPlan, chunkBatches: number): Promise<FetchResult[]> {
  const info = workflowInfo();
  const itemsPerChunk = chunkBatches * plan.batchSize;
  const results: FetchResult[] = [];
  for (let start = 0, chunk = 0; start < plan.itemCount; start += itemsPerChunk, chunk++) {
    const input: FanOutChunkInput = { ...plan, start, end: Math.min(plan.itemCount, start + itemsPerChunk), chunk };
    results.push(
      await executeChild(fanOutChunk, {
        // The run id keeps a rerun under the same workflow id clear of an earlier run's children.
        workflowId: `${info.workflowId}/${info.runId}/${plan.stepName}/chunk-${chunk}`,
        args: [input],
      }),
    );
  }
  return results;
}

/** Child workflow: one chunk's batches, `concurrency` at a time; returns the key of the stored list of their page-set lists. */
export async function fanOutChunk(input: FanOutChunkInput): Promise<FetchResult> {
  const { run, stepIndex, stepName, permit, itemsKey, itemCount, activityOptions } = input;
  const room = proxyActivities<Activities>(activityOptions);
  const batches: { start: number; end: number }[] = [];
  for (let start = input.start; start < input.end; start += input.batchSize) batches.push({ start, end: Math.min(input.end, start + input.batchSize) });
  const fetched = await mapWithConcurrency(batches, input.concurrency, (batch) =>
    room.fetchPages.executeWithOptions({ ...activityOptions, summary: `dependent step "${stepName}", items ${batch.start + 1}–${batch.end} of ${itemCount}` }, [
      { run, stepIndex, permit, items: { itemsKey, ...batch } },
    ]),
  );
  const name = `${stepName}/chunk-${String(input.chunk).padStart(5, '0')}`;
  const stored = await room.storeRawLists.executeWithOptions({ ...activityOptions, summary: `list of ${fetched.length} page-set list(s) of chunk ${input.chunk}` }, [
    { run, pageLists: fetched.map((r) => r.listKey), name },
  ]);
  return { listKey: stored.key, pages: fetched.reduce((n, r) => n + r.pages, 0), units: fetched.reduce((n, r) => n + r.units, 0) };
}
