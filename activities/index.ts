import type { ActivityDeps } from './deps';
import { prepareRunActivity } from './prepare-run';
import { acquirePermitActivity, extendPermitActivity, releasePermitActivity } from './permits';
import { storeRawListsActivity } from './raw-lists';
import { fetchPagesActivity } from './fetch-pages';
import { fetchFilesActivity } from './fetch-files';
import { planItemsActivity } from './plan-items';
import { asyncJobActivities } from './async-job';
import { toCsvActivity } from './to-csv';
import { loadCsvActivity } from './load-csv';
import { exportCsvActivity } from './export-csv';
import { withExpressionThread } from '../interpreter/expression';

export type { ActivityDeps } from './deps';

/** The activities a worker registers, bound to its adapters. */
export function createActivities(deps: ActivityDeps) {
  return isolateExpressions({
    prepareRun: prepareRunActivity(deps),
    acquirePermit: acquirePermitActivity(deps),
    releasePermit: releasePermitActivity(deps),
    extendPermit: extendPermitActivity(deps),
    fetchPages: fetchPagesActivity(deps),
    fetchFiles: fetchFilesActivity(deps),
    planItems: planItemsActivity(deps),
    ...asyncJobActivities(deps),
    toCsv: toCsvActivity(deps),
    loadCsv: loadCsvActivity(deps),
    exportCsv: exportCsvActivity(deps),
    storeRawLists: storeRawListsActivity(deps),
  });
}

/**
 * Each activity execution evaluates its expressions on an expression thread of its own
 * (interpreter/expression.ts), so one that must be stopped by force costs only that run.
 */
function isolateExpressions<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => withExpressionThread(() => activity(...args));
  }
  return wrapped as T;
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * What a clean-room worker registers: the activities that touch the vendor, the raw data
 * and the customer's secrets, and the export of protected CSV. Never prepareRun or
 * loadCsv: those stay with DIF.
 */
export const CLEAN_ROOM_ACTIVITIES = ['fetchPages', 'fetchFiles', 'planItems', 'submitJob', 'pollJob', 'cancelJob', 'downloadResult', 'toCsv', 'exportCsv', 'storeRawLists'] as const;
