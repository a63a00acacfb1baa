/**
 * Numbers that are each within bounds (the schema has those) but wrong together. (A step
 * kind's own, such as an async step's polling bounds, are in its steps/<kind>/validate.ts.)
 */
import type { VendorConfigDocument } from './config-schema';
import type { ConfigProblem } from './validate-paths';

export function limitProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  // Temporal refuses a retry policy whose maximum interval is below its initial one, and
  // it does so inside the workflow, when the first activity is scheduled: refuse it here.
  const initial = config.retry?.initialIntervalSeconds ?? 1;
  const max = config.retry?.maxIntervalSeconds ?? 60;
  if (max < initial) {
    const path = config.retry?.maxIntervalSeconds !== undefined ? '$.retry.maxIntervalSeconds' : '$.retry.initialIntervalSeconds';
    out.push({ path, message: `the longest retry delay (${max} s) is below the first (${initial} s); Temporal refuses that policy` });
  }
}
