/** The async step's driver: a vendor report job submitted, polled on durable timers, downloaded. */
import { ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { FetchResult } from '../../core/contracts';
import { DEFAULT_JOB_POLLS_PER_RUN, pollInChildRuns, pollOnce, type JobPolling } from '../../workflows/job-polls';
import type { StepRun } from '../driver';
import type { AsyncPlan, JobBatch } from './plan';
import { runEvents } from '../../workflows/run-events';

/**
 * Jobs a run starts at most for one step with `items`: each costs the run about 15 events
 * (submit, the polling child, download), so 200 stay far below Temporal's history limit.
 */
export const MAX_JOBS_PER_RUN = 200;

export async function asyncStep(ctx: StepRun, step: AsyncPlan, stepIndex: number): Promise<FetchResult[]> {
  if (!step.batches) return [await asyncJob(ctx, step, stepIndex)];
  const { gate, room, inRoom, run, permit } = ctx;
  await gate.take();
  const items = await room.planItems.executeWithOptions(inRoom(`items for "${step.name}"`), [{ run, stepIndex, fromLists: ctx.lists[step.batches.from], permit }]);
  const size = step.batches.batchSize;
  const jobs = Math.ceil(items.count / size);
  if (jobs > MAX_JOBS_PER_RUN) {
    throw ApplicationFailure.create({
      type: 'DataError',
      nonRetryable: true,
      message: `step "${step.name}": ${items.count} items make ${jobs} jobs of ${size}; a run starts at most ${MAX_JOBS_PER_RUN} (raise batchSize, or shorten the window)`,
    });
  }
  // One job after the other: the jobs share the run's permit, which a job's polls give back
  // and take again between waits, so two jobs polling at once would trip over each other.
  const results: FetchResult[] = [];
  for (let start = 0; start < items.count; start += size) {
    results.push(await asyncJob(ctx, step, stepIndex, { itemsKey: items.itemsKey, start, end: Math.min(items.count, start + size) }));
  }
  return results;
}

/** Submit, poll on durable timers (no worker held while waiting), download; cancel the vendor's job if the run is cancelled. */
async function asyncJob(ctx: StepRun, step: AsyncPlan, stepIndex: number, batch?: JobBatch): Promise<FetchResult> {
  const { gate, room, inRoom, run, permit } = ctx;
  const poll = step.poll;
  const of = batch ? ` (items ${batch.start + 1}–${batch.end})` : '';
  const onBatch = batch ? { batch } : {};
  await gate.take();
  const { jobId } = await room.submitJob.executeWithOptions(inRoom(`submit job "${step.name}"${of}`), [{ run, stepIndex, permit, ...onBatch }]);
  const started = Date.now();
  try {
    const polling: JobPolling = { run, stepIndex, stepName: step.name, poll, permit, jobId, startedMs: started, activityOptions: ctx.activityOptions, ...onBatch };
    if (patched('bounded-history')) {
      // The polls run in a child that continues as new every jobPollsPerRun polls (workflows/job-polls.ts).
      await pollInChildRuns(polling, ctx.permitOptions, ctx.options.jobPollsPerRun ?? DEFAULT_JOB_POLLS_PER_RUN);
    } else {
      for (let attempt = 1; !(await pollOnce(polling, gate, attempt)); attempt++);
    }
  } catch (e) {
    // A run that gave up waiting for its permit between polls abandons the job too.
    const abandoned = isCancellation(e) || (e instanceof ApplicationFailure && (e.type === 'VendorJobTimeout' || e.type === 'PermitWaitTimeout'));
    if (abandoned && step.cancellable) {
      await CancellationScope.nonCancellable(() =>
        room.cancelJob.executeWithOptions(inRoom(`cancel job ${jobId}`), [{ run, stepIndex, jobId, ...onBatch }]),
      );
    }
    throw e;
  }
  await gate.take();
  const result = await room.downloadResult.executeWithOptions(inRoom(`download job ${jobId}`), [{ run, stepIndex, permit, jobId, ...onBatch }]);
  runEvents().asyncJobDone({ vendor: run.vendor, stream: run.stream, seconds: (Date.now() - started) / 1000 });
  return result;
}
