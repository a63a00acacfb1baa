/**
 * An async step's polls, bounded in history. One poll costs a run about a dozen events (the
 * poll, its timer, workflow tasks) and more in `semaphore.hold: calls` mode, where the permit
 * is taken before each poll and given back as the timer starts; a job polled 5,000 times
 * would pass Temporal's 51,200-event limit. So the ingest run polls in a child workflow that
 * continues as new every `pollsPerRun` polls, carrying only the job id, the next poll's
 * number, the time polling started, whether the permit is held, and the PermitRef: each of
 * its runs stays small however long the vendor takes.
 *
 * The child polls under the ingest run's PermitRef with a gate of its own (vendor-permit.ts)
 * that starts out holding the permit the ingest run took before submitting. It ends, when
 * the job is done, holding it again (taken before the last poll), which is what the ingest
 * run's gate believes, so the download goes on under it. When the child fails or is
 * cancelled, the ingest run gives the permit (or its place in the queue) back in its
 * `finally`, as before, and cancels the vendor's job when the step is `cancellable`: the
 * child's failure (VendorJobFailed, VendorJobTimeout, PermitWaitTimeout, a cancellation) is
 * rethrown in the ingest run as itself, not wrapped.
 */
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  executeChild,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PermitRef, RunContext } from '../core/contracts';
import type { AsyncPlan, JobBatch } from '../steps/async/plan';
import { pollDelaySeconds } from '../core/async-job';
import { childWorkflowId } from './child-workflow-id';
import { NO_GATE, vendorPermit, type VendorPermit, type VendorPermitOptions } from './vendor-permit';

/** About 2,000 events per run in `calls` mode. */
export const DEFAULT_JOB_POLLS_PER_RUN = 100;

type PollGate = Pick<VendorPermit, 'take' | 'wait'>;

/** What every poll of one job needs: small, as it is carried from run to run. */
export interface JobPolling {
  run: RunContext;
  stepIndex: number;
  stepName: string;
  poll: AsyncPlan['poll'];
  permit: PermitRef;
  jobId: string;
  /** Workflow time of the submit: the step's `timeoutMinutes` counts from here. */
  startedMs: number;
  /** The ingest run's options for vendor activities (task queue included: a clean room's). */
  activityOptions: ActivityOptions;
  /** The job's items, when the step runs a job per batch of them. */
  batch?: JobBatch;
}

export interface JobPollsInput extends JobPolling {
  /** Number of the next poll, counted from the job's first. */
  attempt: number;
  /** Whether the permit is held as this run starts. */
  held: boolean;
  /** How the permit is held; none for runs that hold it around everything (withPermit). */
  gate?: Omit<VendorPermitOptions, 'held'>;
  pollsPerRun: number;
}

/**
 * Poll number `attempt`, and the wait after it unless the job is done. Returns whether it is
 * done; fails with VendorJobFailed or VendorJobTimeout.
 */
export async function pollOnce(p: JobPolling, gate: PollGate, attempt: number): Promise<boolean> {
  const room = proxyActivities<Activities>(p.activityOptions);
  await gate.take();
  const status = await room.pollJob.executeWithOptions({ ...p.activityOptions, summary: `poll job ${p.jobId} (#${attempt})` }, [
    { run: p.run, stepIndex: p.stepIndex, permit: p.permit, jobId: p.jobId, ...(p.batch ? { batch: p.batch } : {}) },
  ]);
  if (status.state === 'done') return true;
  if (status.state === 'failed') {
    throw ApplicationFailure.create({
      type: 'VendorJobFailed',
      nonRetryable: true,
      message: `vendor job ${p.jobId} of step "${p.stepName}" failed with status ${status.status}${status.reason ? `: ${status.reason}` : ''}`,
    });
  }
  if (Date.now() - p.startedMs > p.poll.timeoutMinutes * 60_000) {
    throw ApplicationFailure.create({
      type: 'VendorJobTimeout',
      nonRetryable: true,
      message: `vendor job ${p.jobId} of step "${p.stepName}" not done after ${p.poll.timeoutMinutes} min (last status ${status.status})`,
    });
  }
  await gate.wait(pollDelaySeconds(p.poll, attempt, status.hintSeconds) * 1000);
  return false;
}

/** In the ingest run, which holds the permit (it took it for the submit): polls the job in child runs until it is done. */
export async function pollInChildRuns(p: JobPolling, gate: JobPollsInput['gate'], pollsPerRun: number): Promise<void> {
  try {
    await executeChild(jobPolls, {
      workflowId: childWorkflowId(p.run, p.batch ? `${p.stepName}/polls-${p.batch.start}` : `${p.stepName}/polls`),
      args: [{ ...p, attempt: 1, held: true, gate, pollsPerRun }],
    });
  } catch (e) {
    // The run fails (or ends cancelled) as when it polled itself: with the child's own failure.
    if (e instanceof ChildWorkflowFailure && e.cause) throw e.cause;
    throw e;
  }
}

/** Child workflow: polls until the job is done, continuing as new every `pollsPerRun` polls. */
export async function jobPolls(input: JobPollsInput): Promise<void> {
  const gate: PollGate & Partial<Pick<VendorPermit, 'holds'>> = input.gate ? vendorPermit(input.permit, { ...input.gate, held: input.held }) : NO_GATE;
  for (let attempt = input.attempt, polls = 0; ; attempt++, polls++) {
    // Between a wait and the next poll: the permit is held only in `job` mode, and the carried state says so.
    if (polls === input.pollsPerRun) await continueAsNew<typeof jobPolls>({ ...input, attempt, held: gate.holds?.() ?? false });
    if (await pollOnce(input, gate, attempt)) return;
  }
}
