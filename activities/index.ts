import type { ActivityDeps } from './deps';
import { prepareRunActivity } from './prepare-run';
import { acquirePermitActivity, extendPermitActivity, releasePermitActivity } from './permits';
import { storeRawListsActivity } from './raw-lists';
import { stepActivities } from '../steps/activity-registry';
import { toCsvActivity } from './to-csv';
import { loadCsvActivity } from './load-csv';
import { exportCsvActivity } from './export-csv';
import { storeCursorActivity } from './incremental-state';
import { prepareExpressionThreads, withExpressionThread } from '../runtime/expression/expression';
import { toFailure } from './failures';
import { withSecretScope } from './secret-scope';
import { partitionIdsActivity } from './partitions';
import { loggedStep } from './step-log';
import { warmHttpClient } from './http-warmup';

export type { ActivityDeps } from './deps';

/**
 * The activities a worker registers, bound to its adapters. Each runs in its own secret
 * scope: whatever fails or logs inside it is scrubbed of every secret revealed there
 * (activities/secret-scope.ts), so no activity has to remember to.
 */
export function createActivities(deps: ActivityDeps) {
  // Started with the worker, so that neither Node loading its HTTP client nor an expression thread
  // starting stalls the worker's event loop while a request waits to go out in its rate-limit slot.
  void warmHttpClient();
  prepareExpressionThreads();
  return scoped({
    prepareRun: prepareRunActivity(deps),
    acquirePermit: acquirePermitActivity(deps),
    releasePermit: releasePermitActivity(deps),
    extendPermit: extendPermitActivity(deps),
    ...stepActivities(deps),
    toCsv: toCsvActivity(deps),
    loadCsv: loadCsvActivity(deps),
    exportCsv: exportCsvActivity(deps),
    storeRawLists: storeRawListsActivity(deps),
    partitionIds: partitionIdsActivity(deps),
    storeCursor: storeCursorActivity(deps),
  });
}

/**
 * Each activity execution runs in its own secret scope, and evaluates its expressions on an
 * expression thread of its own (runtime/expression/expression.ts), so one that must be stopped by
 * force costs only that run; the scope is outermost so that such a failure is scrubbed too.
 * Whatever fails leaves through the error registry (failures.ts `toFailure`, core/errors.ts):
 * a config, input or data error, or an expression that fails the same way on every attempt
 * (same config, same data), leaves as a final failure of its type, not retried.
 */
function scoped<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, activity] of Object.entries(activities)) {
    const isolated = (...args: unknown[]) =>
      loggedStep(name, args, () =>
        withExpressionThread(async () => {
          try {
            return await (activity as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch (e) {
            throw toFailure(e);
          }
        }),
      );
    wrapped[name] = withSecretScope(isolated);
  }
  return wrapped as T;
}

export type Activities = ReturnType<typeof createActivities>;

/** A clean room's activities besides the step kinds'. */
const CLEAN_ROOM_OWN_ACTIVITIES = ['toCsv', 'exportCsv', 'storeRawLists'] as const;

/**
 * What a clean-room worker registers: every step kind's activities (the workflow schedules
 * them all in the room: they touch the vendor, the raw data and the customer's secrets),
 * CSV writing and the export of protected CSV. Never prepareRun or loadCsv: those stay
 * with DIF. Read from the step registry, so a new kind's activities run in the room too.
 */
export function cleanRoomActivityNames(deps: ActivityDeps): string[] {
  return [...Object.keys(stepActivities(deps)), ...CLEAN_ROOM_OWN_ACTIVITIES];
}
