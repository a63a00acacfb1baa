/**
 * The client token of one async job (`job.token` in the step's templates): the same on every
 * attempt of the submit, and on every worker, because it is derived from the run (its
 * workflow id, which names vendor, customer, stream and window, and the Temporal run id), the
 * step and the job's batch. A vendor that takes it as an idempotency key, or lists its jobs by
 * it, lets a retried submit find the job a lost answer named instead of creating a second one.
 */
import { createHash } from 'node:crypto';
import { ingestWorkflowId } from '../../core/run-plan';
import type { RunContext } from '../../core/contracts';

/** UUID-shaped (version 8, a name-based UUID of SHA-256): the form most vendors' idempotency keys and report names accept. */
export function jobToken(run: RunContext, stepName: string, batchStart?: number): string {
  const name = [ingestWorkflowId(run), run.runId, stepName, batchStart ?? ''].join('\n');
  const hex = createHash('sha256').update(name).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
