/** An async step: its requests name where they go, and its polling bounds agree. */
import type { ConfigProblem } from '../../core/validate';
import type { StepCheckPlace } from '../kind';
import { checkRequests } from '../shared/validate';
import type { AsyncStepConfig } from './grammar';

export function checkAsync(step: AsyncStepConfig, { at, index, earlier }: StepCheckPlace, out: ConfigProblem[]): void {
  checkRequests(step, at, out);
  if (step.items === undefined) {
    for (const field of ['from', 'batchSize'] as const) {
      if (step[field] !== undefined) out.push({ path: `${at}.${field}`, message: 'applies only with `items` (a job per batch of an earlier step\'s items)' });
    }
  } else {
    if (index === 0) out.push({ path: `${at}.items`, message: 'needs an earlier step to take its items from' });
    if (step.from !== undefined && !earlier.has(step.from)) out.push({ path: `${at}.from`, message: `"${step.from}" is not an earlier step of this stream` });
  }
  checkLostAnswerMeans(step, at, out);
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

/**
 * `idempotent` recognises the job by its token, so the submit must send it; `find` by the token
 * too, or, for a vendor without client tokens, by what the job is and when it was made
 * (`job.sentAt`): either way the config must say how it knows this run's job from another.
 */
function checkLostAnswerMeans(step: AsyncStepConfig, at: string, out: ConfigProblem[]): void {
  const sendsToken = JSON.stringify(step.submit.request).includes('job.token');
  if (step.submit.idempotent && !sendsToken) {
    out.push({ path: `${at}.submit.idempotent`, message: 'needs `${job.token}` in submit.request (a header, query or body field), by which the vendor knows the job again' });
  }
  const find = step.submit.find;
  if (find && !sendsToken && !JSON.stringify(find).includes('job.sentAt')) {
    out.push({ path: `${at}.submit.find`, message: 'needs `${job.token}` in submit.request (a report name, a client token) or `job.sentAt` in find, to tell this run\'s job from others' });
  }
}
