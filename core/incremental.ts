/**
 * The decisions of an incremental stream, free of I/O: where a run reads from (the stored
 * cursor less the lookback, or the start), how a cursor value is written, and which of two
 * is later. The stored value is only ever raised (GREATEST), after the load committed.
 */
import { ISO_DURATION, type IncrementalConfig } from './incremental-grammar';

/** How an incremental stream's run reads: from its stored cursor (runs, schedules), or by its window alone (backfills: nothing stored). */
export type IncrementalMode = 'state' | 'window';

/** `state` as requests see it: small, secret-free, fixed for the whole run (it travels in RunContext). */
export interface StateVariables {
  /** ISO 8601 UTC instant the run reads from (inclusive). */
  since: string;
  sinceSeconds: number;
  sinceMillis: number;
  /** The stored cursor, or null when none is stored (or the run is a backfill). */
  cursor: string | null;
}

/** What the workflow knows of an incremental stream: its cursor column, and whether this run stores it. */
export interface IncrementalPlan {
  column: string;
  mode: IncrementalMode;
  state: StateVariables;
}

const MAX_LOOKBACK_SECONDS = 30 * 86_400;

/** A lookback in seconds, or an error message (validation names the path). */
export function lookbackSeconds(lookback: IncrementalConfig['lookback']): number | string {
  if (lookback === undefined) return 0;
  let seconds: number;
  if (typeof lookback === 'number') seconds = lookback;
  else {
    const m = new RegExp(ISO_DURATION).exec(lookback);
    if (!m || lookback === 'P' || lookback.endsWith('T')) return `"${lookback}" is not an ISO 8601 duration of days, hours, minutes and seconds (PT1H, P1D, PT90S)`;
    seconds = Number(m[1] ?? 0) * 86_400 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_LOOKBACK_SECONDS) return `lookback of ${seconds} seconds is outside 0..${MAX_LOOKBACK_SECONDS} (30 days)`;
  return seconds;
}

/** A cursor value in its canonical form (`2026-11-30T08:15:00.000Z`), or undefined when it is no instant. */
export function canonicalCursor(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T|$)/.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  if (!Number.isFinite(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return iso.startsWith('+') || iso.startsWith('-') ? undefined : iso;
}

/** The later of two canonical cursors (canonical ISO strings compare as text). */
export function laterCursor(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b > a ? b : a;
}

/** Where a run reads from: the stored cursor less the lookback, or `start` (canonical) when none is stored. */
export function stateVariables(stored: string | undefined, lookback: number, start: string): StateVariables {
  const from = stored === undefined ? Date.parse(start) : Date.parse(stored) - lookback * 1000;
  return { since: new Date(from).toISOString(), sinceSeconds: Math.floor(from / 1000), sinceMillis: from, cursor: stored ?? null };
}

/** The fields of `state` expressions may read; validation refuses any other. */
export const STATE_FIELDS: readonly (keyof StateVariables)[] = ['since', 'sinceSeconds', 'sinceMillis', 'cursor'];

/** The default of `start`: the window's first day at midnight UTC. */
export const DEFAULT_START = 'window.from + "T00:00:00Z"';
