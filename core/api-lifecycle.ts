/**
 * Where each vendor's API version stands on a given day: how many days until the vendor
 * stops serving it, and whether that is far, near (within SUNSET_WARNING_DAYS) or past.
 * Pure: the caller says what day it is.
 */
import type { VendorConfigDocument } from './config-schema';

/** From this many days before a sunset, the suite and `dif vendors lifecycle` warn. */
export const SUNSET_WARNING_DAYS = 90;

export type LifecycleState = 'supported' | 'sunset-soon' | 'past-sunset' | 'no-sunset-announced' | 'undeclared';

export interface VendorLifecycle {
  vendor: string;
  version: string | null;
  sunset: string | null;
  /** Whole days from `today` to the sunset (negative once past), or null without one. */
  daysLeft: number | null;
  state: LifecycleState;
  notes?: string;
}

const DAY_MS = 86_400_000;

/** `today` as a UTC calendar day, so a sunset is counted in whole days whatever the hour. */
const dayOf = (date: Date): number => Math.floor(date.getTime() / DAY_MS);

export function lifecycleOf(config: Pick<VendorConfigDocument, 'vendor' | 'api'>, today: Date): VendorLifecycle {
  const api = config.api;
  if (!api) return { vendor: config.vendor, version: null, sunset: null, daysLeft: null, state: 'undeclared' };
  const base = { vendor: config.vendor, version: api.version, sunset: api.sunset, ...(api.notes ? { notes: api.notes } : {}) };
  if (api.sunset === null) return { ...base, daysLeft: null, state: 'no-sunset-announced' };
  // The version is served through its sunset day; it is past the day after.
  const daysLeft = dayOf(new Date(`${api.sunset}T00:00:00Z`)) - dayOf(today);
  const state: LifecycleState = daysLeft < 0 ? 'past-sunset' : daysLeft <= SUNSET_WARNING_DAYS ? 'sunset-soon' : 'supported';
  return { ...base, daysLeft, state };
}
