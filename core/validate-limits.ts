/**
 * Numbers that are each within bounds (the schema has those) but wrong together.
 */
import type { VendorConfigDocument } from './config-schema';
import { childPath, type ConfigProblem } from './validate-paths';

export function limitProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  // Temporal refuses a retry policy whose maximum interval is below its initial one, and
  // it does so inside the workflow, when the first activity is scheduled: refuse it here.
  const initial = config.retry?.initialIntervalSeconds ?? 1;
  const max = config.retry?.maxIntervalSeconds ?? 60;
  if (max < initial) {
    const path = config.retry?.maxIntervalSeconds !== undefined ? '$.retry.maxIntervalSeconds' : '$.retry.initialIntervalSeconds';
    out.push({ path, message: `the longest retry delay (${max} s) is below the first (${initial} s); Temporal refuses that policy` });
  }
  for (const [streamName, stream] of Object.entries(config.streams)) {
    stream.steps.forEach((step, i) => {
      if (step.kind !== 'async') return;
      const { intervalSeconds, maxIntervalSeconds } = step.poll;
      if (maxIntervalSeconds !== undefined && maxIntervalSeconds < intervalSeconds) {
        out.push({
          path: `${childPath('$.streams', streamName)}.steps[${i}].poll.maxIntervalSeconds`,
          message: `the longest wait between polls (${maxIntervalSeconds} s) is below the first (${intervalSeconds} s)`,
        });
      }
    });
  }
}
