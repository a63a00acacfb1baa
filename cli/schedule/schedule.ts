/**
 * `dif schedule` without the terminal: one Temporal Schedule per vendor and customer,
 * daily at an hour (UTC), whose action is the scheduledIngest workflow. The schedule's
 * TemporalScheduledStartTime is the run's logical date, so catch-up runs after an
 * outage load the days they were meant for.
 */
import { ScheduleOverlapPolicy, type Client, type ScheduleHandle } from '@temporalio/client';
import type { IngestOptions } from '../../core/contracts';
import { checkName, InputError } from '../../core/run-plan';
import type { VendorConfigs } from '../../adapters/vendor-configs';
import type { Settings } from '../../adapters/settings';
import type { ScheduledIngestInput } from '../../workflows/scheduled-ingest';
import { CUSTOMER, VENDOR } from '../../workflows/search-attributes';

export interface ScheduleRequest {
  vendor: string;
  customer: string;
  hour: number;
  lookbackDays: number;
  streams?: string[];
  options?: IngestOptions;
}

export const scheduleId = (vendor: string, customer: string): string => `dif/${checkName(vendor, 'vendor')}/${checkName(customer, 'customer')}`;

/** The scheduled run's input, or an InputError naming the bad option; touches no service. */
export function scheduledInput(vendorConfigs: VendorConfigs, r: ScheduleRequest): ScheduledIngestInput {
  const config = vendorConfigs.load(r.vendor);
  if (!Number.isInteger(r.hour) || r.hour < 0 || r.hour > 23) throw new InputError(`--hour must be 0..23 (UTC), got ${r.hour}`);
  if (!Number.isInteger(r.lookbackDays) || r.lookbackDays < 0) throw new InputError(`--lookback must be a whole number of days, got ${r.lookbackDays}`);
  const maxDays = config.window?.maxDays;
  if (maxDays && r.lookbackDays + 1 > maxDays) throw new InputError(`a lookback of ${r.lookbackDays} days makes windows of ${r.lookbackDays + 1} days; vendor "${r.vendor}" allows ${maxDays}`);
  const streams = r.streams?.length ? r.streams : Object.keys(config.streams);
  return { vendor: r.vendor, customer: r.customer, streams, lookbackDays: r.lookbackDays, options: r.options };
}

export async function createSchedule(client: Client, settings: Settings, vendorConfigs: VendorConfigs, r: ScheduleRequest): Promise<ScheduleHandle> {
  const input = scheduledInput(vendorConfigs, r);
  return client.schedule.create({
    scheduleId: scheduleId(r.vendor, r.customer),
    spec: { calendars: [{ hour: r.hour, minute: 0 }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledIngest',
      workflowId: `scheduled/${r.vendor}/${r.customer}`,
      taskQueue: settings.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: VENDOR, value: r.vendor },
        { key: CUSTOMER, value: r.customer },
      ],
    },
    // A run still going when the next is due is left alone; after an outage, one day of missed runs is caught up.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { summary: `daily at ${String(r.hour).padStart(2, '0')}:00 UTC, lookback ${r.lookbackDays} days` },
  });
}

export interface ScheduleRow {
  scheduleId: string;
  paused: boolean;
  summary?: string;
  nextRun?: string;
  recentRuns: string[];
}

export async function listSchedules(client: Client): Promise<ScheduleRow[]> {
  const rows: ScheduleRow[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith('dif/')) continue;
    const summary = s.memo?.summary;
    rows.push({
      scheduleId: s.scheduleId,
      paused: s.state.paused,
      summary: typeof summary === 'string' ? summary : undefined,
      nextRun: s.info.nextActionTimes[0]?.toISOString(),
      recentRuns: s.info.recentActions.map((a) => a.action.workflow.workflowId),
    });
  }
  return rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}
