/**
 * The values that cross workflow history between the ingest workflow and its activities.
 * Small and secret-free by construction: keys, counts, ids, never bodies or credentials.
 */
import type { DateWindow, IngestRequest } from './run-plan';

export interface PermitSpec {
  key: string;
  limit: number;
  leaseMs: number;
}

export interface RunPlan {
  /** Where the pinned config is kept; activities read the config only from here. */
  configKey: string;
  configHash: string;
  permit: PermitSpec;
  steps: { name: string; kind: string }[];
}

export interface RunContext extends IngestRequest {
  runId: string;
  configKey: string;
  /** ISO timestamp of the run's start, written into every row as `_dif_extracted_at`. */
  extractedAt: string;
}

export interface FetchedPage {
  objectKey: string;
  bytes: number;
  status: number;
}

/** One stored response page or downloaded file whose records go into the stream's CSV. */
export interface RawPage {
  objectKey: string;
  /** The step that fetched it: its `decode` and `records` say how to read it. */
  stepIndex: number;
  /** Fields of the parent item (dependent steps), carried into each record as `parent`. */
  parent?: Record<string, unknown>;
}

export interface CsvResult {
  /** The manifest listing the gzip CSV parts (Redshift's manifest format). */
  csvKey: string;
  /** Records decoded from the raw objects. */
  records: number;
  /** Rows written (records after explode, less rejects). */
  rows?: number;
  rejected?: number;
  parts?: number;
}

export interface LoadSummary {
  rowsStaged: number;
  rowsInserted: number;
  rowsReplaced: number;
  rowsRejected?: number;
  files?: number;
}

export interface IngestSummary {
  workflowId: string;
  runId: string;
  vendor: string;
  customer: string;
  stream: string;
  window: DateWindow;
  configHash: string;
  recordsFetched: number;
  rowsLoaded: number;
  rowsReplaced: number;
  rawObjects: string[];
  csvObject: string;
}

/** Tuning that tests shorten; production uses the defaults. */
export interface IngestOptions {
  semaphoreRetryMs?: number;
  activityTimeoutMs?: number;
  maxAttempts?: number;
}

export interface IngestInput extends IngestRequest {
  options?: IngestOptions;
}
