// Workflow entry points registered by workers. Only deterministic code may be imported here.
export { ingest } from './ingest';
