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
  if (step.poll.empty) {
    const format = step.decode?.format ?? 'json';
    if (!step.download) out.push({ path: `${at}.poll.empty`, message: 'needs a `download`: a job that found nothing gives an empty file in place of the one it would have delivered' });
    else if (!['ndjson', 'csv', 'tsv'].includes(format)) out.push({ path: `${at}.poll.empty`, message: `needs a row format (ndjson, csv, tsv) in decode.format, whose empty file is no records; ${format} is not one` });
    const both = step.poll.empty.filter((s) => step.poll.done.includes(s) || step.poll.failed.includes(s));
    if (both.length) out.push({ path: `${at}.poll.empty`, message: `${both.map((s) => `"${s}"`).join(', ')} is also in poll.done or poll.failed; a status means one thing` });
  }
}
