/** The async step's driver: a vendor report job submitted, polled on durable timers, downloaded. */
import { ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { FetchResult } from '../../core/contracts';
import { DEFAULT_JOB_POLLS_PER_RUN, pollInChildRuns, pollOnce, type JobPolling } from '../../workflows/job-polls';
import type { StepRun } from '../driver';
import type { AsyncPlan } from './plan';

export async function asyncStep(ctx: StepRun, step: AsyncPlan, stepIndex: number): Promise<FetchResult[]> {
  return [await asyncJob(ctx, step, stepIndex)];
}

/** Submit, poll on durable timers (no worker held while waiting), download; cancel the vendor's job if the run is cancelled. */
async function asyncJob(ctx: StepRun, step: AsyncPlan, stepIndex: number): Promise<FetchResult> {
  const { gate, room, inRoom, run, permit } = ctx;
  const poll = step.poll;
  await gate.take();
  const { jobId } = await room.submitJob.executeWithOptions(inRoom(`submit job "${step.name}"`), [{ run, stepIndex, permit }]);
  const started = Date.now();
  try {
    const polling: JobPolling = { run, stepIndex, stepName: step.name, poll, permit, jobId, startedMs: started, activityOptions: ctx.activityOptions };
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
        room.cancelJob.executeWithOptions(inRoom(`cancel job ${jobId}`), [{ run, stepIndex, jobId }]),
      );
    }
    throw e;
  }
  await gate.take();
  return room.downloadResult.executeWithOptions(inRoom(`download job ${jobId}`), [{ run, stepIndex, permit, jobId }]);
}
