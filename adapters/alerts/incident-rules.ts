/**
 * Which run endings make an alert, and under which incident key (pure: no I/O). An
 * incident is one customer × vendor × stream (× partition) going wrong; while its key is
 * held (for the quiet period), further failures of it send nothing, so a flapping vendor
 * makes one message, not hundreds.
 *  - A failed run (not a partition's: its parent fails too, naming it) → "run failed".
 *  - A partition failing in two runs in a row → "partition failing twice".
 *  - A stream turning late (`dif freshness --alert`) → "stream late", until it is fresh again.
 * Cancelled runs alert nobody: someone chose to stop them.
 */
export interface EndedRun {
  vendor: string;
  customer: string;
  stream: string;
  partition?: string;
  status: 'completed' | 'failed' | 'cancelled';
}

export type AlertKind = 'run-failed' | 'partition-failing-twice' | 'stream-late';

/** The Redis keys of a run's incident state. */
export function incidentKeys(run: EndedRun): { incident: (kind: AlertKind) => string; failures: string } {
  const base = `dif-alert:${run.vendor}:${run.customer}:${run.stream}${run.partition !== undefined ? `:partition:${run.partition}` : ''}`;
  return { incident: (kind) => `${base}:${kind}`, failures: `${base}:failures` };
}

/** What a failure asks for, given how many failures in a row this run's key has now. */
export function alertFor(run: EndedRun, failuresInARow: number): AlertKind | undefined {
  if (run.status !== 'failed') return undefined;
  if (run.partition === undefined) return 'run-failed';
  return failuresInARow === 2 ? 'partition-failing-twice' : undefined;
}
