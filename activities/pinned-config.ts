import type { VendorConfig } from '../core/config-schema';
import type { ObjectStore } from '../adapters/object-store';
import type { ActivityDeps } from './deps';
import type { RunContext } from '../core/contracts';
import { windowVariables } from '../core/run-plan';
import type { StepConfigOf, StepKindName } from '../steps/registry';
import { finalFailure } from './failures';

/** What a run is pinned to: the vendor config (with the customer's overrides) and inputs. */
export interface PinnedRun {
  config: VendorConfig;
  inputs: Record<string, unknown>;
}

const cache = new Map<string, PinnedRun>();

/**
 * Reads the pinned run from the object store by its content-hashed key. Immutable per key,
 * so a process-wide cache is safe.
 */
export async function pinnedRun(store: ObjectStore, key: string): Promise<PinnedRun> {
  let pinned = cache.get(key);
  if (!pinned) {
    pinned = JSON.parse(await store.getText(key)) as PinnedRun;
    if (cache.size > 1000) cache.clear();
    cache.set(key, pinned);
  }
  return pinned;
}

/** The run's pinned config, from where this worker keeps configs (a clean room reads DIF's store). */
export function pinnedRunOf(deps: ActivityDeps, key: string): Promise<PinnedRun> {
  return pinnedRun(deps.configStore ?? deps.objectStore, key);
}

/**
 * The variables every expression of a run sees: the customer's inputs, the window (with
 * the vendor's date format), the customer, and an incremental stream's `state`. One place,
 * so every step sees the same.
 */
export function runVariables(run: RunContext, { config, inputs }: PinnedRun): Record<string, unknown> {
  const variables: Record<string, unknown> = { inputs, window: windowVariables(run.window, config.window?.dateFormat), customer: run.customer };
  // Only a partitioned stream's run has one: `partition` elsewhere stays undefined, as it always was.
  if (run.partition !== undefined) variables.partition = run.partition;
  // `state` only for an incremental stream's run: validation refuses it anywhere else.
  if (run.state) variables.state = run.state;
  return variables;
}

/**
 * The config of step `stepIndex` of the run's stream, checked to be of one of `kinds`:
 * activities take a step by its index in the plan, and a plan that disagrees with the
 * pinned config (a bug, never a vendor's doing) fails naming both instead of reading
 * fields the step does not have.
 */
export function stepConfigOf<K extends StepKindName>(pinned: PinnedRun, run: RunContext, stepIndex: number, kinds: K | readonly K[]): StepConfigOf<K> {
  const wanted: readonly StepKindName[] = typeof kinds === 'string' ? [kinds] : kinds;
  const step = pinned.config.streams[run.stream]?.steps[stepIndex];
  if (!step || !wanted.includes(step.kind)) {
    const found = step ? `of kind ${step.kind}` : 'missing';
    throw finalFailure('ConfigError', `${run.vendor}: $.streams.${run.stream}.steps[${stepIndex}] is ${found}, where the plan has kind ${wanted.join(' or ')}`);
  }
  return step as StepConfigOf<K>;
}

/** The run's pinned config and its step `stepIndex` (see stepConfigOf), with the step's place for messages. */
export async function pinnedStepOf<K extends StepKindName>(deps: ActivityDeps, run: RunContext, stepIndex: number, kinds: K | readonly K[]) {
  const pinned = await pinnedRunOf(deps, run.configKey);
  const where = `${run.vendor}: $.streams.${run.stream}.steps[${stepIndex}]`;
  return { pinned, config: pinned.config, step: stepConfigOf(pinned, run, stepIndex, kinds), where };
}
