/**
 * A dependent step's fan-out in chunks, so that no run's history grows with the number of
 * batches. Each batch costs its run about six events (an activity's three and a workflow
 * task's); Temporal ends a run at 51,200, so 50,000 items with `batchSize: 1` cannot run in
 * one history. Past `chunkBatches` batches, the ingest run starts one child workflow per
 * chunk, one after the other; a child runs its batches `concurrency` at a time exactly as
 * the ingest run does, stores the list of its batches' page-set lists in the object store
 * (activities/raw-lists.ts), and returns that one key. The ingest run keeps one key per
 * chunk, and activities/page-sets.ts reads such a key wherever a page-set list is read.
 * A chunk costs the run that starts it about 10 events, so no run starts more than
 * `chunkBatches` chunks either: past chunkBatches² batches, chunks start chunks of their own
 * (a tree; 50,000 batches at 500 a chunk are 100 chunks of one level).
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
import { executeChild, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ignoredOf } from './ignored-items';
import type { FetchResult, PermitRef, RunContext } from '../core/contracts';
import { mapWithConcurrency } from './concurrency';
import { childWorkflowId } from './child-workflow-id';

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
  /** Most batches one run runs, and most chunks one run starts. */
  chunkBatches: number;
  /** Where the chunk sits in the tree ("3", "3.1"): names its stored list. */
  label: string;
  /** The ingest run's options for vendor activities (task queue included: a clean room's). */
  activityOptions: ActivityOptions;
}

export type FanOutPlan = Omit<FanOutChunkInput, 'start' | 'end' | 'label' | 'chunkBatches'>;

/** In the ingest run: the fan-out's batches in chunk child workflows; one result per chunk. */
export async function fanOutInChunks(plan: FanOutPlan, chunkBatches: number): Promise<FetchResult[]> {
  // Chunks of one batch would never get smaller than their span: at least two.
  return inChildren({ ...plan, start: 0, end: plan.itemCount, chunkBatches: Math.max(2, chunkBatches), label: '' });
}

/**
 * Child workflow: one chunk's batches, `concurrency` at a time, or, when a chunk has more
 * than `chunkBatches` (a fan-out past chunkBatches² batches), chunks of its own; returns
 * the key of the stored list of their lists.
 */
export async function fanOutChunk(input: FanOutChunkInput): Promise<FetchResult> {
  const { run, stepIndex, stepName, permit, itemsKey, itemCount, activityOptions } = input;
  const room = proxyActivities<Activities>(activityOptions);
  let fetched: FetchResult[];
  if (batchesOf(input) > input.chunkBatches) {
    fetched = await inChildren(input);
  } else {
    const batches: { start: number; end: number }[] = [];
    for (let start = input.start; start < input.end; start += input.batchSize) batches.push({ start, end: Math.min(input.end, start + input.batchSize) });
    fetched = await mapWithConcurrency(batches, input.concurrency, (batch) =>
      room.fetchPages.executeWithOptions({ ...activityOptions, summary: `dependent step "${stepName}", items ${batch.start + 1}–${batch.end} of ${itemCount}` }, [
        { run, stepIndex, permit, items: { itemsKey, ...batch } },
      ]),
    );
  }
  const stored = await room.storeRawLists.executeWithOptions({ ...activityOptions, summary: `list of ${fetched.length} list(s) of chunk ${input.label}` }, [
    { run, pageLists: fetched.map((r) => r.listKey), name: `${stepName}/chunk-${input.label}` },
  ]);
  const ignored = ignoredOf(fetched);
  return { listKey: stored.key, pages: fetched.reduce((n, r) => n + r.pages, 0), units: fetched.reduce((n, r) => n + r.units, 0), ...(ignored ? { ignored } : {}) };
}

function batchesOf(span: Pick<FanOutChunkInput, 'start' | 'end' | 'batchSize'>): number {
  return Math.ceil((span.end - span.start) / span.batchSize);
}

/**
 * Splits a span into at most `chunkBatches` chunks of at least `chunkBatches` batches each
 * and runs them as child workflows, one after the other: a run then starts at most
 * chunkBatches children (about 10 events each) or runs at most chunkBatches batches.
 */
async function inChildren(span: FanOutChunkInput): Promise<FetchResult[]> {
  const perChunk = Math.max(span.chunkBatches, Math.ceil(batchesOf(span) / span.chunkBatches)) * span.batchSize;
  const results: FetchResult[] = [];
  for (let start = span.start, i = 0; start < span.end; start += perChunk, i++) {
    const label = span.label ? `${span.label}.${i}` : String(i);
    const input: FanOutChunkInput = { ...span, start, end: Math.min(span.end, start + perChunk), label };
    results.push(await executeChild(fanOutChunk, { workflowId: childWorkflowId(span.run, `${span.stepName}/chunk-${label}`), args: [input] }));
  }
  return results;
}
