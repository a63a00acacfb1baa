import type { RunContext } from '../core/contracts';
import { ingestWorkflowId } from '../core/run-plan';

/**
 * The workflow id of an ingest run's child (a fan-out chunk, a job's polls): the run's
 * request and run id, then `name`. Built from the run's input rather than workflowInfo(),
 * so a replayed history (whose workflow id the replayer makes up) asks for the same child;
 * the run id keeps a rerun under the same workflow id clear of an earlier run's children.
 */
export function childWorkflowId(run: RunContext, name: string): string {
  return `${ingestWorkflowId(run)}/${run.runId}/${name}`;
}
