// Workflow entry points registered by workers. Only deterministic code may be imported here.
export { ingest } from './ingest';
export { backfill } from './backfill';
export { scheduledIngest } from './scheduled-ingest';
export { fanOutChunk } from './fan-out-chunk';
export { jobPolls } from './job-polls';
