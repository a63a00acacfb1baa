/** An async step: its requests name where they go, and its polling bounds agree. */
import type { ConfigProblem } from '../../core/validate';
import type { StepCheckPlace } from '../kind';
import { checkRequests } from '../shared/validate';
import type { AsyncStepConfig } from './grammar';

export function checkAsync(step: AsyncStepConfig, { at }: StepCheckPlace, out: ConfigProblem[]): void {
  checkRequests(step, at, out);
  const { intervalSeconds, maxIntervalSeconds } = step.poll;
  if (maxIntervalSeconds !== undefined && maxIntervalSeconds < intervalSeconds) {
    out.push({
      path: `${at}.poll.maxIntervalSeconds`,
      message: `the longest wait between polls (${maxIntervalSeconds} s) is below the first (${intervalSeconds} s)`,
    });
  }
}
