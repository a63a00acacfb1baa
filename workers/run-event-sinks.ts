/**
 * The worker's side of workflows/run-events.ts: each run's start and end becomes metrics
 * (runtime/metrics), one JSON log line (through the Runtime logger, with the workflow id and
 * run id) and, for failures, an alert (adapters/alerts) when one is configured. Sinks are not
 * called on replay, so a run replayed on another worker is not counted twice; the alert's
 * incident key covers the rare repeat (a workflow task retried after its sinks ran).
 */
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { DifSinks, RunEnd, RunIdentity } from '../workflows/run-events';
import { asyncJobDone, runEnded, runStarted } from '../runtime/metrics/hooks';
import { alertsFrom, type RunAlerts } from '../adapters/alerts/run-alerts';
import type { Runtime as DifRuntime } from './wiring';

export interface RunEventOptions {
  /** Alerts go out when settings name a webhook; a test may pass its own. */
  alerts?: RunAlerts;
  /** Each alert's promise, for tests that wait for it. */
  onAlert?: (sent: Promise<void>) => void;
}

export function runEventSinks(options: RunEventOptions = {}): InjectedSinks<DifSinks> {
  const log = () => Runtime.instance().logger;
  const ids = (info: WorkflowInfo) => ({ workflowId: info.workflowId, runId: info.runId });
  const fields = (run: RunIdentity) => ({
    vendor: run.vendor,
    customer: run.customer,
    stream: run.stream,
    ...(run.partition !== undefined ? { partition: run.partition } : {}),
    window: `${run.window.from}/${run.window.to}`,
  });
  return {
    runEvents: {
      started: {
        fn(info: WorkflowInfo, run: RunIdentity) {
          runStarted(run);
          log().info('run started', { ...ids(info), ...fields(run), step: 'run', event: 'run.started' });
        },
        callDuringReplay: false,
      },
      ended: {
        fn(info: WorkflowInfo, end: RunEnd) {
          // A parent's pages are its partitions' pages, counted with them.
          runEnded(end, end.status, end.seconds, end.parent ? undefined : end.pages);
          const outcome = { status: end.status, seconds: end.seconds, ...(end.errorType ? { errorType: end.errorType } : {}) };
          log()[end.status === 'completed' ? 'info' : 'warn'](`run ${end.status}`, { ...ids(info), ...fields(end), step: 'run', event: `run.${end.status}`, ...outcome });
          const sent = options.alerts?.ended({ ...end, ...ids(info) });
          if (sent) options.onAlert?.(sent);
        },
        callDuringReplay: false,
      },
      asyncJobDone: {
        fn(_info: WorkflowInfo, job: { vendor: string; stream: string; seconds: number }) {
          asyncJobDone(job.vendor, job.stream, job.seconds);
        },
        callDuringReplay: false,
      },
    },
  };
}

/** The alerts a worker's settings ask for, or none. */
export function alertsOf(runtime: DifRuntime): RunAlerts | undefined {
  return alertsFrom(runtime.settings, runtime.redis, (message, meta) => Runtime.instance().logger.warn(message, meta));
}
