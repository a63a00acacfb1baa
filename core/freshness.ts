/**
 * When a stream's data is due, and whether it is late (pure: the clock is an argument).
 * `freshness: { dueHours }`: a window's data is due that many hours after the window ends
 * (its last day's end, UTC). A stream is late when a window after the last one loaded is
 * due already; failing when its newest run failed after its last load.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, shape } from './schema-parts';

export const Freshness = shape('Freshness', 'Freshness', Type.Object(
  {
    dueHours: doc(
      Type.Number({ exclusiveMinimum: 0, maximum: 24 * 366 }),
      'Hours after a window\'s end (its last day\'s end, UTC) by which its data should be loaded. `dif freshness` calls the stream late once the day after the last loaded window is due, and exits non-zero.',
      30,
    ),
  },
  { additionalProperties: false, description: 'When the stream\'s data is due, for `dif freshness` and its alerts.' },
));
export type FreshnessConfig = Static<typeof Freshness>;

/** `untracked`: the stream declares no `freshness`, so nothing is due. */
export type FreshnessState = 'fresh' | 'late' | 'failing' | 'never-loaded' | 'untracked';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface FreshnessFacts {
  dueHours?: number;
  /** The last day of the newest window loaded (YYYY-MM-DD), if any. */
  lastLoadedTo?: string;
  /** When the newest run that failed closed, if it closed after the last load. */
  failedAfterLoad?: boolean;
  nowMs: number;
}

export interface Freshness {
  state: FreshnessState;
  /** Hours from the end of the last loaded window to now. */
  lagHours?: number;
  /** When the next window (the day after the last loaded) is or was due. */
  nextDue?: string;
}

export function freshnessOf(facts: FreshnessFacts): Freshness {
  const tracked = facts.dueHours !== undefined;
  if (facts.lastLoadedTo === undefined) return { state: facts.failedAfterLoad ? 'failing' : tracked ? 'never-loaded' : 'untracked' };
  const endMs = Date.parse(`${facts.lastLoadedTo}T00:00:00Z`) + DAY_MS;
  const lagHours = Math.round(((facts.nowMs - endMs) / HOUR_MS) * 10) / 10;
  if (facts.dueHours === undefined) return { state: facts.failedAfterLoad ? 'failing' : 'untracked', lagHours };
  const nextDueMs = endMs + DAY_MS + facts.dueHours * HOUR_MS;
  const late = facts.nowMs > nextDueMs;
  const state: FreshnessState = facts.failedAfterLoad ? 'failing' : late ? 'late' : 'fresh';
  return { state, lagHours, nextDue: new Date(nextDueMs).toISOString() };
}

/** States that make `dif freshness` exit non-zero. */
export const NEEDS_ATTENTION: ReadonlySet<FreshnessState> = new Set(['late', 'failing']);
