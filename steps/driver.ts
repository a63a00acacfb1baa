/**
 * What a step kind's workflow driver (steps/<kind>/workflow.ts) is given, and what it
 * returns. Drivers run in the workflow sandbox: they import only @temporalio/workflow and
 * pure code, and reach activities through the proxies in StepRun.
 */
import type { ActivityInterfaceFor, ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PermitRef } from '../core/contracts';
import type { FetchResult, IngestOptions, RunContext } from '../core/contracts';
import type { VendorPermit, VendorPermitOptions } from '../workflows/vendor-permit';
import type { StepPlan } from './registry';

/** How the steps treat the vendor permit: take it before each vendor call, and decide what a durable wait does to it. */
export type PermitGate = Pick<VendorPermit, 'take' | 'wait'>;

/** The run as the step drivers see it. */
export interface StepRun {
  /** Activities where the vendor is called: the customer's clean room, or DIF's own workers. */
  room: ActivityInterfaceFor<Activities>;
  /** Options for an activity scheduled in the room, with its summary for the Web UI. */
  inRoom(summary: string): ActivityOptions;
  run: RunContext;
  permit: PermitRef;
  gate: PermitGate;
  /** Keys of the page-set lists of the steps before, by step index. */
  lists: readonly string[][];
  /** The room's activity options, for child workflows that schedule vendor activities (fan-out chunks, job polls). */
  activityOptions: ActivityOptions;
  /** How the permit is held, for child runs that carry it on; undefined in runs that hold it around everything (started before `hold`). */
  permitOptions?: Omit<VendorPermitOptions, 'held'>;
  /** The run's tuning: history bounds among them (fanOutChunkBatches, jobPollsPerRun). */
  options: IngestOptions;
}

/** Runs one step of kind P; its results' page-set lists are the step's output. */
export type StepDriver<P extends StepPlan> = (run: StepRun, step: P, stepIndex: number) => Promise<FetchResult[]>;
