/**
 * Why a closed run failed, from its close event alone (the server sends only that event,
 * not the whole history, which can be thousands of events): the failure's message and its
 * root cause's, e.g. "Activity task failed: demo-ads answered 400 …". Messages leaving
 * activities are scrubbed of secrets before Temporal records them (activities/secret-scope.ts).
 */
import type { Client, ProtoFailure } from '@temporalio/client';

type Failure = ProtoFailure;
/** HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT (temporal.api.enums.v1), without a dependency on @temporalio/proto for one number. */
const CLOSE_EVENT_ONLY = 2;

/** Longest error text kept per run: the page lists many runs, the Web UI has the rest. */
const MAX_ERROR_CHARS = 600;

export async function failureOf(client: Client, workflowId: string, runId: string): Promise<{ error?: string }> {
  const answer = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    historyEventFilterType: CLOSE_EVENT_ONLY,
  });
  const event = answer.history?.events?.[0];
  if (event?.workflowExecutionTimedOutEventAttributes) return { error: 'the run timed out' };
  if (event?.workflowExecutionTerminatedEventAttributes) return { error: `terminated: ${event.workflowExecutionTerminatedEventAttributes.reason || 'no reason given'}` };
  const failure = event?.workflowExecutionFailedEventAttributes?.failure;
  return failure ? { error: describe(failure) } : {};
}

/** "outer message: root cause message", the chain's middle links (activity wrappers) left out. */
export function describe(failure: Failure): string {
  let root = failure;
  while (root.cause) root = root.cause;
  const text = root === failure ? failure.message ?? '' : `${failure.message ?? ''}: ${root.message ?? ''}`;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}
