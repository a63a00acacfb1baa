/** The async step's driver: a vendor report job submitted, polled on durable timers, downloaded. */
import { ApplicationFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import type { FetchResult } from '../../core/contracts';
import { pollDelaySeconds } from '../../core/async-job';
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
    for (let attempt = 1; ; attempt++) {
      await gate.take();
      const status = await room.pollJob.executeWithOptions(inRoom(`poll job ${jobId} (#${attempt})`), [{ run, stepIndex, permit, jobId }]);
      if (status.state === 'done') break;
      if (status.state === 'failed') {
        throw ApplicationFailure.create({
          type: 'VendorJobFailed',
          nonRetryable: true,
          message: `vendor job ${jobId} of step "${step.name}" failed with status ${status.status}${status.reason ? `: ${status.reason}` : ''}`,
        });
      }
      if (Date.now() - started > poll.timeoutMinutes * 60_000) {
        throw ApplicationFailure.create({
          type: 'VendorJobTimeout',
          nonRetryable: true,
          message: `vendor job ${jobId} of step "${step.name}" not done after ${poll.timeoutMinutes} min (last status ${status.status})`,
        });
      }
      await gate.wait(pollDelaySeconds(poll, attempt, status.hintSeconds) * 1000);
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
