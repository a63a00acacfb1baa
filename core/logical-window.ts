/**
 * The window a scheduled run loads, from its logical date (the schedule's
 * TemporalScheduledStartTime, not the wall clock, so a late or replayed run loads the
 * same days): yesterday minus `lookbackDays` .. yesterday, in UTC.
 */
import type { DateWindow } from './run-plan';

export function logicalWindow(scheduledTime: Date, lookbackDays: number): DateWindow {
  const day = 86_400_000;
  const midnight = Date.UTC(scheduledTime.getUTCFullYear(), scheduledTime.getUTCMonth(), scheduledTime.getUTCDate());
  const to = new Date(midnight - day);
  const from = new Date(to.getTime() - lookbackDays * day);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}
