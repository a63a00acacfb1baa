/**
 * The values that cross workflow history between the ingest workflow and its activities.
 * Small and secret-free by construction: keys, counts, ids, never bodies or credentials.
 */
import type { PartitionSource } from './partitions';
import type { DateWindow, IngestRequest } from './run-plan';
import type { StepPlan } from '../steps/registry';
import type { IncrementalMode, IncrementalPlan, StateVariables } from './incremental';

/** What a vendor permit guards (config `semaphore.hold`): see workflows/vendor-permit.ts. */
export type PermitHold = 'calls' | 'job';

export interface PermitSpec {
  /** Semaphore name, e.g. `vendor:demo-ads:customer:acme`. */
  key: string;
  limit: number;
  leaseMs: number;
  /**
   * Absent in plans of runs started before `hold` existed: they hold the permit as they always
   * did. `calls` also lets a vendor activity take back, through the queue, a permit that
   * lapsed before it started (activities/permits.ts).
   */
  hold?: PermitHold;
  /** Longest wait in the queue for the permit, each time it is asked for. */
  maxWaitMs?: number;
}

/**
 * A permit in a distributed counting semaphore, named entirely by values so it can travel
 * through workflow history: acquire, renew and release happen in different activities,
 * possibly on different workers. A run's permit is its plan's spec plus the run as holder.
 */
export interface PermitRef extends PermitSpec {
  /** Unique per holder (the workflow run), so a retried acquire recognises its own permit. */
  holder: string;
}

/** Default of `semaphore.maxWaitSeconds`: a run that gets no permit in 6 hours fails visibly instead of waiting for ever. */
export const DEFAULT_PERMIT_MAX_WAIT_SECONDS = 6 * 3600;

/** A step as the workflow sees it: one variant per kind (steps/<kind>/plan.ts), told apart by `kind`. */
export type { StepPlan } from '../steps/registry';

export interface RetryPlan {
  maxAttempts: number;
  initialIntervalMs: number;
  maxIntervalMs: number;
}

export interface RunPlan {
  /** Where the pinned config is kept; activities read the config only from here. */
  configKey: string;
  configHash: string;
  permit: PermitSpec;
  steps: StepPlan[];
  retry: RetryPlan;
  /** Set when the customer's use of this vendor is clean-room: fetch and preprocess run on this queue, in the customer's cloud. */
  cleanRoom?: { taskQueue: string };
  /** Set for a run of a partitioned stream as a whole: the workflow runs one child per partition instead of the steps. */
  partitions?: PartitionSource;
  /** Set for an incremental stream: its cursor column, and where this run reads from (core/incremental.ts). */
  incremental?: IncrementalPlan;
}

export interface RunContext extends IngestRequest {
  runId: string;
  configKey: string;
  /** ISO timestamp of the run's start, written into every row as `_dif_extracted_at`. */
  extractedAt: string;
  /** An incremental stream's `state` for expressions: where this run reads from, fixed for the run. */
  state?: StateVariables;
}

/**
 * The pages one pagination stored: `count` pages under `prefix` (see pageKey). Lists of
 * page sets live in the object store, and only their keys travel through history, so a
 * fan-out of 50,000 calls costs history no more than one of 50.
 */
export interface PageSet {
  prefix: string;
  count: number;
  stepIndex: number;
  /** The item this pagination ran for (dependent steps): `parent` in expressions. */
  parent?: unknown;
  /** Items of the steps before, nearest first: `ancestors` in expressions. */
  ancestors?: unknown[];
  /** The compression the vendor's answer named for these pages (async `download.compression`): replaces the step's `decode.compression`. */
  compression?: PageCompression;
  /**
   * The extension of the stored pages, naming what they are (`csv.gz` for a gzip CSV report;
   * see core/raw-names.ts). Absent: `json`, as every page set stored before it had.
   */
  extension?: string;
  /**
   * A fan-out item's small answer stored in a bundle with the answers around it
   * (adapters/object-store/answer-bundle.ts): its one page is these bytes of that object, not pageKey(prefix, 1).
   * Absent: each page is its own object, as in every list written before bundles.
   */
  bundle?: { key: string; offset: number; length: number };
}

/** A compression `decode.compression` may name. */
export type PageCompression = 'gzip' | 'zip' | 'none' | 'auto';

export interface FetchResult {
  /** Object key of a JSON array of PageSet, or of a JSON array of such keys (a fan-out chunk's; activities/page-sets.ts reads both). */
  listKey: string;
  pages: number;
  units: number;
  /** Items of a dependent step skipped by its `onItemError` rules: how many, and the first few named. */
  ignored?: { count: number; items: string[] };
}

/** A files step's look at its source: what it stored, and whether to look again later. */
export interface FilesResult extends FetchResult {
  /** Files downloaded now; the others of the window were taken before and read from the object store. */
  downloaded: number;
  /** With expect `wait`: files are still missing; look again after this many seconds (a durable timer). */
  waitSeconds?: number;
  /** What is missing, in words (source, pattern, days). */
  missing?: string;
}

export interface ItemsResult {
  itemsKey: string;
  count: number;
}

export interface JobPoll {
  state: 'running' | 'done' | 'failed';
  status: string;
  /** The vendor's estimate of the time left, or its Retry-After. */
  hintSeconds?: number;
  reason?: string;
}

/** One stored response page or downloaded file whose records go into the stream's CSV. */
export interface RawPage {
  objectKey: string;
  /** The page's bytes within objectKey, when objectKey is an answer bundle (PageSet.bundle); absent: the whole object. */
  range?: { offset: number; length: number };
  /** The step that fetched it: its `decode` and `records` say how to read it. */
  stepIndex: number;
  /** Fields of the parent item (dependent steps), carried into each record as `parent`. */
  parent?: Record<string, unknown>;
  /** Replaces the step's `decode.compression` (the vendor's answer named it). */
  compression?: PageCompression;
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
  /** An incremental stream's greatest cursor among the rows written (canonical ISO); absent when no row had one. */
  maxCursor?: string;
}

/** A load's counts for one table (adapters/warehouse/warehouse.ts TableCounts). */
export interface TableLoadCounts {
  rowsStaged: number;
  /** Rows of keys new to the table. Before the warehouse seam this counted every row written, replaced ones too. */
  rowsInserted: number;
  /** Rows that replaced the row of their key (updates). */
  rowsReplaced: number;
  /** `replaceWindow`: rows of the window the vendor stopped reporting, deleted; `deleteKeys`: the target's rows deleted (or marked). Absent from loads before it was counted. */
  rowsRemoved?: number;
}

export interface LoadSummary extends TableLoadCounts {
  rowsRejected?: number;
  files?: number;
  /** Per child table (core/child-tables.ts), loaded in the same transaction. */
  children?: Record<string, TableLoadCounts>;
  /** The `warn` data checks (core/data-checks.ts, `load.checks`) that did not hold; the load stands. */
  warnings?: string[];
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
  pagesFetched: number;
  /** Rows written: new keys plus replaced ones. */
  rowsLoaded: number;
  /** Of rowsLoaded, those that replaced the row of their key. */
  rowsReplaced: number;
  /** Of rowsLoaded, those of keys new to the table (absent from runs before the warehouse seam). */
  rowsInserted?: number;
  /** `replaceWindow`: rows of the window deleted because the vendor no longer reports them; `deleteKeys`: the target's rows deleted (or marked). */
  rowsRemoved?: number;
  /** The `warn` data checks of the load that did not hold (`load.checks`). */
  warnings?: string[];
  /**
   * The page-set lists of the step whose records were loaded: how many, and the key of the
   * stored JSON array of their keys. One key, not one per batch, so a backfill's children
   * return small results whatever their fan-out.
   */
  rawLists: { count: number; key: string };
  csvObject: string;
  /** An incremental stream's cursor as stored after this run's load (absent when nothing was stored: a backfill, no rows). */
  cursor?: string;
  /** Items of dependent steps skipped by their `onItemError` rules: how many, and the first few named. */
  itemsIgnored?: { count: number; items: string[] };
  /** A partitioned stream's run: each partition's outcome (the counts above are their sums; rawLists and csvObject are empty). */
  partitions?: PartitionOutcome[];
}

/** One partition's run, as its parent reports it. */
export interface PartitionOutcome {
  partition: string;
  workflowId: string;
  status: 'COMPLETED' | 'FAILED';
  recordsFetched?: number;
  pagesFetched?: number;
  rowsLoaded?: number;
  rowsReplaced?: number;
  /** Why it failed: the child's failure message (already scrubbed of secrets by the activity that failed). */
  error?: string;
}

/** Tuning that tests shorten; production uses the defaults. */
export interface IngestOptions {
  semaphoreRetryMs?: number;
  activityTimeoutMs?: number;
  /** How soon a dead worker's activity is noticed and retried elsewhere. Default 2 min. */
  heartbeatTimeoutMs?: number;
  maxAttempts?: number;
  /** Longest wait for a vendor permit (`dif run --max-wait`); overrides the config's `semaphore.maxWaitSeconds`. */
  maxWaitSeconds?: number;
  /** A dependent step with more batches than this runs them in child workflows of this many batches each (workflows/fan-out-chunk.ts). Default 500; tests lower it. */
  fanOutChunkBatches?: number;
  /** An async step's polls continue as new after this many per run (workflows/job-polls.ts). Default 100; tests lower it. */
  jobPollsPerRun?: number;
}

export interface IngestInput extends IngestRequest {
  options?: IngestOptions;
  /** A run of a partitioned stream limited to these partitions (`dif retry` of the ones that failed). */
  partitions?: string[];
  /** An incremental stream reads from its stored cursor (`state`, the default) or, in a backfill, by its window alone, storing nothing (`window`). */
  incremental?: IncrementalMode;
}
