/**
 * What a run tells its worker about itself, outside history: started, ended (with its
 * outcome), an async job's duration. Workflow sinks (Temporal's way out of the sandbox)
 * carry these to the worker process, which turns them into metrics, log lines and alerts
 * (workers/run-event-sinks.ts). Sink calls are not recorded in history and not repeated on
 * replay, so adding or changing them keeps running histories replayable.
 */
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface RunIdentity {
  vendor: string;
  customer: string;
  stream: string;
  partition?: string;
  window: { from: string; to: string };
}

export interface RunEnd extends RunIdentity {
  status: 'completed' | 'failed' | 'cancelled';
  seconds: number;
  /** A partitioned stream's parent run: its partitions are runs of their own. */
  parent?: boolean;
  pages?: number;
  /** The failure's message (already scrubbed by the activity it left) and type. */
  error?: string;
  errorType?: string;
}

export interface DifSinks extends Sinks {
  runEvents: {
    started(run: RunIdentity): void;
    ended(end: RunEnd): void;
    asyncJobDone(job: { vendor: string; stream: string; seconds: number }): void;
  };
}

export const runEvents = () => proxySinks<DifSinks>().runEvents;
