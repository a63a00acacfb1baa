/**
 * The two ends of an incremental stream's state: where a run reads from (decided once, in
 * prepareRun, and carried in RunContext as `state`), and the cursor stored after the load
 * committed (storeCursor), never before: a run that dies in between stored nothing, so the
 * next one reads the same rows again and the merge by key replaces them.
 */
import type { StreamConfig } from '../core/config-schema';
import type { RunContext } from '../core/contracts';
import { canonicalCursor, DEFAULT_START, lookbackSeconds, stateVariables, type IncrementalMode, type IncrementalPlan } from '../core/incremental';
import type { IngestRequest } from '../core/run-plan';
import { usingScope } from '../runtime/expression/expression';
import type { ActivityDeps } from './deps';
import { finalFailure } from './failures';

/** The plan of an incremental stream's run, or undefined for a stream that is not incremental. */
export async function incrementalPlanOf(
  deps: ActivityDeps,
  request: IngestRequest,
  stream: StreamConfig,
  mode: IncrementalMode,
  variables: Record<string, unknown>,
): Promise<IncrementalPlan | undefined> {
  const incremental = stream.incremental;
  if (!incremental) return undefined;
  const where = `${request.vendor}: $.streams.${request.stream}.incremental`;
  const value = usingScope(variables, (scope) => scope.evaluate(incremental.start ?? DEFAULT_START, `${where}.start`));
  const start = canonicalCursor(value);
  if (start === undefined) throw finalFailure('ConfigError', `${where}.start gave ${String(JSON.stringify(value) ?? 'undefined').slice(0, 100)}, not an ISO 8601 timestamp`);
  const lookback = lookbackSeconds(incremental.lookback);
  if (typeof lookback === 'string') throw finalFailure('ConfigError', `${where}.lookback: ${lookback}`);
  // A backfill reads by its window alone: the stored cursor is neither read nor written.
  const stored = mode === 'state' ? await deps.streamState.get(stateScope(request)) : undefined;
  return { column: incremental.cursor, mode, state: stateVariables(stored, lookback, start) };
}

export const stateScope = (r: IngestRequest) => ({ customer: r.customer, vendor: r.vendor, stream: r.stream, partition: r.partition ?? '' });

export interface StoreCursorInput {
  run: RunContext;
  /** The greatest cursor among the rows the committed load wrote (toCsv's `maxCursor`). */
  cursor: string;
}

/** Raises the stored cursor to `cursor` (GREATEST: never backwards); returns the value stored now. */
export function storeCursorActivity(deps: ActivityDeps) {
  return async function storeCursor({ run, cursor }: StoreCursorInput): Promise<{ cursor: string }> {
    const canonical = canonicalCursor(cursor);
    if (canonical === undefined) throw finalFailure('InputError', `${run.vendor}/${run.stream}: cursor ${JSON.stringify(cursor).slice(0, 100)} is not an ISO 8601 timestamp`);
    return { cursor: await deps.streamState.raise(stateScope(run), canonical, run.runId) };
  };
}
