/**
 * Every metric DIF's workers export, defined in one place (prom-client), in one registry
 * served at /metrics (server.ts). Labels are kept bounded: vendor, stream, status class,
 * semaphore (with the customer part masked), object kind. A customer label appears only on
 * the run counters and only when enabled (`DIF_METRICS_CUSTOMER_LABELS=1`): hundreds of
 * customers times every series would swamp Prometheus.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dif_' }); // dif_process_cpu_seconds_total, dif_nodejs_eventloop_lag_seconds…

const registers = [registry];
const RUN_SECONDS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600];
const WAIT_SECONDS = [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600, 6 * 3600];

export const runsStarted = new Counter({
  name: 'dif_runs_started_total',
  help: 'Ingest runs started (a partitioned stream counts its parent run and each partition run)',
  labelNames: ['vendor', 'stream', 'customer'],
  registers,
});
export const runsCompleted = new Counter({
  name: 'dif_runs_completed_total',
  help: 'Ingest runs that completed',
  labelNames: ['vendor', 'stream', 'customer'],
  registers,
});
export const runsFailed = new Counter({
  name: 'dif_runs_failed_total',
  help: 'Ingest runs that failed (status "cancelled" for cancelled or terminated ones)',
  labelNames: ['vendor', 'stream', 'customer', 'status'],
  registers,
});
export const runSeconds = new Histogram({
  name: 'dif_run_duration_seconds',
  help: 'Wall time of a run, from its start to its end, by outcome',
  labelNames: ['vendor', 'stream', 'status'],
  buckets: RUN_SECONDS,
  registers,
});
export const pagesFetched = new Counter({
  name: 'dif_pages_fetched_total',
  help: 'Vendor pages (answers) stored by completed runs',
  labelNames: ['vendor', 'stream'],
  registers,
});
export const recordsWritten = new Counter({
  name: 'dif_records_total',
  help: 'Records read from vendor answers into CSV rows',
  labelNames: ['vendor', 'stream'],
  registers,
});
export const csvRejects = new Counter({
  name: 'dif_csv_rejects_total',
  help: 'Rows rejected while writing CSV (kept in the run\'s rejects file)',
  labelNames: ['vendor', 'stream'],
  registers,
});
export const vendorCalls = new Counter({
  name: 'dif_vendor_calls_total',
  help: 'Vendor HTTP requests by answer class (2xx, 3xx, 4xx, 429, 5xx, network)',
  labelNames: ['vendor', 'status'],
  registers,
});
export const retryAfterSeconds = new Counter({
  name: 'dif_vendor_retry_after_seconds_total',
  help: 'Seconds the vendors asked DIF to wait (Retry-After of 429 and 503 answers)',
  labelNames: ['vendor'],
  registers,
});
export const limiterWaitSeconds = new Counter({
  name: 'dif_rate_limiter_wait_seconds_total',
  help: 'Seconds requests waited on the shared rate limiter before being sent',
  labelNames: ['vendor'],
  registers,
});
export const permitWaitSeconds = new Histogram({
  name: 'dif_permit_wait_seconds',
  help: 'From the first acquire attempt of a vendor permit to getting it',
  labelNames: ['semaphore'],
  buckets: WAIT_SECONDS,
  registers,
});
export const permitHolders = new Gauge({
  name: 'dif_permit_holders',
  help: 'Holders of each semaphore this worker has used, read from Redis at scrape time',
  labelNames: ['semaphore'],
  registers,
});
export const permitLimit = new Gauge({
  name: 'dif_permit_limit',
  help: 'The limit of each semaphore this worker has used',
  labelNames: ['semaphore'],
  registers,
});
export const asyncJobSeconds = new Histogram({
  name: 'dif_async_job_duration_seconds',
  help: 'From submitting a vendor report job to its result being stored',
  labelNames: ['vendor', 'stream'],
  buckets: RUN_SECONDS,
  registers,
});
export const loadSeconds = new Histogram({
  name: 'dif_load_duration_seconds',
  help: 'Warehouse loads (stage and merge, one transaction), by outcome',
  labelNames: ['vendor', 'stream', 'status'],
  buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  registers,
});
export const loadRows = new Counter({
  name: 'dif_load_rows_total',
  help: 'Rows the warehouse loads inserted or replaced',
  labelNames: ['vendor', 'stream', 'change'],
  registers,
});
export const bytesStored = new Counter({
  name: 'dif_object_store_bytes_total',
  help: 'Bytes written to the object store, by the first segment of the key (raw, csv, configs…)',
  labelNames: ['kind'],
  registers,
});
