/**
 * Numbers that are each within bounds (the schema has those) but wrong together. (A step
 * kind's own, such as an async step's polling bounds, are in its steps/<kind>/validate.ts.)
 */
import type { VendorConfigDocument } from './config-schema';
import type { ConfigProblem } from './validate-paths';
import { REQUEST_RETRY_DEFAULTS } from './request-retry';

export function limitProblems(config: VendorConfigDocument, out: ConfigProblem[]): void {
  // Temporal refuses a retry policy whose maximum interval is below its initial one, and
  // it does so inside the workflow, when the first activity is scheduled: refuse it here.
  const initial = config.retry?.initialIntervalSeconds ?? 1;
  const max = config.retry?.maxIntervalSeconds ?? 60;
  if (max < initial) {
    const path = config.retry?.maxIntervalSeconds !== undefined ? '$.retry.maxIntervalSeconds' : '$.retry.initialIntervalSeconds';
    out.push({ path, message: `the longest retry delay (${max} s) is below the first (${initial} s); Temporal refuses that policy` });
  }
  // A request's own retries (retry.perRequest): a longest delay below the first would silently be the first.
  const perRequest = config.retry?.perRequest;
  if (perRequest) {
    const first = perRequest.initialIntervalSeconds ?? REQUEST_RETRY_DEFAULTS.initialIntervalMs / 1000;
    const longest = perRequest.maxIntervalSeconds ?? REQUEST_RETRY_DEFAULTS.maxIntervalMs / 1000;
    if (longest < first) {
      const at = perRequest.maxIntervalSeconds !== undefined ? '$.retry.perRequest.maxIntervalSeconds' : '$.retry.perRequest.initialIntervalSeconds';
      out.push({ path: at, message: `the longest delay between a request's attempts (${longest} s) is below the first (${first} s)` });
    }
  }
  // A request's cost is counted by the vendor's rate limit; without one it would silently do nothing.
  if (!config.rateLimit) {
    for (const [name, stream] of Object.entries(config.streams)) costsIn(stream.steps, `$.streams.${name}.steps`, out);
  }
}

function costsIn(value: unknown, at: string, out: ConfigProblem[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => costsIn(v, `${at}[${i}]`, out));
  if (!value || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'body') continue; // a JSON body is data: its "cost" is the vendor's
    if (key === 'cost' && typeof v === 'number') out.push({ path: `${at}.cost`, message: 'has no effect: the vendor has no `rateLimit` to count it against' });
    else costsIn(v, `${at}.${key}`, out);
  }
}
