/**
 * A durable wait several times longer than the permit's lease (issue 13, defect 1), for a
 * files step waiting for a late file and for an async job between polls, on the real
 * worker, Temporal and Redis: lease 5 s, wait 15 s. With `hold: calls` (the default) the
 * permit goes back before the wait and is taken again after it; with `hold: job` it is
 * kept through the wait. Either way the run finishes, and neither holds the permit while
 * CSV is written or the warehouse loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import type { IngestSummary } from '../../core/contracts';
import { ingestWorkflowId, type DateWindow } from '../../core/run-plan';
import { VendorZoo } from '../mock-vendor/vendor-zoo';
import { fileServers, userFolder, type FileServers } from '../setup/file-drops';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName, TEST_SCRATCH } from '../setup/test-settings';
import { ZOO_VENDORS } from '../setup/zoo-harness';
import { zipOf } from '../setup/zip';

const LEASE_SECONDS = 5;
const WAIT_SECONDS = 15;

let h: Harness;
let zoo: VendorZoo;
let zooUrl: string;
let servers: FileServers | undefined;
beforeAll(async () => {
  h = await startHarness('permits-waits', { settings: { vendorsDir: scaledZooVendors() } });
  zoo = new VendorZoo();
  zooUrl = await zoo.start();
});
afterAll(async () => {
  await zoo?.stop();
  await h?.shutdown();
});

/** The zoo's configs with only their waits changed: a 15 s poll interval for the async job, 15 s between looks for the files step. */
function scaledZooVendors(): string {
  const dir = path.join(TEST_SCRATCH, 'permits-waits', 'vendors');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(ZOO_VENDORS, dir, { recursive: true });
  edit(path.join(dir, 'zoo-amazon', 'config.json'), (c) => {
    Object.assign(c.streams.sp_campaigns.steps[0].poll, { intervalSeconds: WAIT_SECONDS, backoff: 1, timeoutMinutes: 2 });
  });
  edit(path.join(dir, 'zoo-files-ftp', 'config.json'), (c) => {
    c.streams.spend.steps[0].wait = { intervalMinutes: WAIT_SECONDS / 60, timeoutMinutes: 2 };
  });
  return dir;
}

function edit(file: string, change: (config: any) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(config);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

/** A customer whose permit has a 5 s lease; `hold` omitted tests the default. */
async function customerFor(vendor: string, inputs: Record<string, unknown>, secrets: Record<string, string>, hold?: 'calls' | 'job'): Promise<string> {
  const customer = uniqueName(vendor.replace('zoo-', ''));
  await h.runtime.deps.customers.upsertCustomer(customer, customer);
  await h.runtime.deps.customers.upsertCustomerVendor(customer, vendor, inputs, {
    baseUrl: zooUrl,
    semaphore: { scope: 'customer', limit: 1, leaseSeconds: LEASE_SECONDS, ...(hold ? { hold } : {}) },
  });
  for (const [name, value] of Object.entries(secrets)) await h.runtime.deps.credentials.set({ customerId: customer, vendor, name }, value);
  return customer;
}

function start(vendor: string, customer: string, stream: string, window: DateWindow): Promise<WorkflowHandle> {
  return h.client.workflow.start('ingest', {
    taskQueue: h.settings.taskQueue,
    workflowId: ingestWorkflowId({ vendor, customer, stream, window }),
    args: [{ vendor, customer, stream, window, options: { semaphoreRetryMs: 100, maxAttempts: 2 } }],
  });
}

/** Holders of the run's permit well into its wait: once the durable timer started, plus the lease and a margin. */
async function holdersDuringWait(handle: WorkflowHandle, key: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const events = await eventsWithChildren(handle.workflowId);
    if (events.some((e) => e.timerStartedEventAttributes)) break;
    if (events.some((e) => e.workflowExecutionFailedEventAttributes)) throw new Error(`the run failed before its wait: ${JSON.stringify(await handle.result().catch((e) => e.cause?.message ?? e.message))}`);
    if (Date.now() > deadline) throw new Error('the run never started its wait');
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 3) * 1000));
  return h.runtime.deps.semaphores.holders(key);
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/**
 * A run's events with those of its children (an async step's polls run in one,
 * workflows/job-polls.ts) in the place the child started, continued runs included.
 */
async function eventsWithChildren(workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  for (const e of (await h.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? []) {
    const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    const next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    out.push(e);
    if (child) out.push(...(await eventsWithChildren(child.workflowId!, child.runId!)));
    if (next) out.push(...(await eventsWithChildren(workflowId, next)));
  }
  return out;
}

/** The activities the run (and its children) scheduled, in order: where the permit was taken, kept and given back. */
async function activities(handle: WorkflowHandle): Promise<string[]> {
  const events = await eventsWithChildren(handle.workflowId);
  return events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
}

const spend = (date: string, rows: [string, string][]) =>
  zipOf({ [`spend_${date}.csv`]: ['campaign,day,spend', ...rows.map(([c, s]) => `${c},${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)},${s}`)].join('\n') + '\n' });

describe.each([
  { hold: undefined, mode: 'calls (the default)' },
  { hold: 'job' as const, mode: 'job' },
])('hold: $mode, lease 5 s, wait 15 s', ({ hold }) => {
  test('a files step waiting for a late file finishes, and loads both days', async () => {
    servers ??= fileServers(); // only the files tests need the file servers
    const folder = userFolder(servers, `ftp/${uniqueName('permit-wait')}`);
    folder.write('spend_20240801.zip', spend('20240801', [['brand', '1']]));
    const customer = await customerFor('zoo-files-ftp', { host: 'localhost', port: servers.ftpPort, folder: folder.remote }, { ftp_user: servers.user, ftp_password: servers.password, ca_cert: servers.cert }, hold);
    const handle = await start('zoo-files-ftp', customer, 'spend', { from: '2024-08-01', to: '2024-08-02' });

    const during = await holdersDuringWait(handle, semaphoreKey('zoo-files-ftp', 'customer', customer));
    folder.write('spend_20240802.zip', spend('20240802', [['brand', '2']])); // arrives during the wait
    const summary: IngestSummary = await handle.result();

    expect(summary.rowsLoaded).toBe(2);
    const holder = `${handle.workflowId}#${summary.runId}`;
    if (hold === 'job') {
      // Kept through the wait (3 leases long), so no other run could take it meanwhile.
      expect(during).toEqual([holder]);
      expect(await activities(handle)).toEqual(['prepareRun', 'acquirePermit', 'fetchFiles', 'extendPermit', 'fetchFiles', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
    } else {
      // Given back for the wait, taken again in the fair queue after it.
      expect(during).toEqual([]);
      expect(await activities(handle)).toEqual(['prepareRun', 'acquirePermit', 'fetchFiles', 'releasePermit', 'acquirePermit', 'fetchFiles', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
    }
  });

  test('an async job polled 15 s apart finishes, one job only', async () => {
    zoo.configure({ amazon: { pollsBeforeComplete: 1, neverFinish: false, failNextJobs: 0 } });
    const customer = await customerFor('zoo-amazon', { client_id: 'amzn-client', profile_id: '3141592653' }, { access_token: 'amazon-token' }, hold);
    const window = { from: '2024-03-01', to: '2024-03-02' };
    const submits = zoo.requestsFor('amazon.createReport').length;
    const handle = await start('zoo-amazon', customer, 'sp_campaigns', window);

    const during = await holdersDuringWait(handle, semaphoreKey('zoo-amazon', 'customer', customer));
    const summary: IngestSummary = await handle.result();

    expect(summary.rowsLoaded).toBeGreaterThan(0);
    expect(zoo.requestsFor('amazon.createReport').length - submits).toBe(1);
    const holder = `${handle.workflowId}#${summary.runId}`;
    if (hold === 'job') {
      expect(during).toEqual([holder]);
      expect(await activities(handle)).toEqual(['prepareRun', 'acquirePermit', 'submitJob', 'pollJob', 'extendPermit', 'pollJob', 'downloadResult', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
    } else {
      expect(during).toEqual([]);
      expect(await activities(handle)).toEqual(['prepareRun', 'acquirePermit', 'submitJob', 'pollJob', 'releasePermit', 'acquirePermit', 'pollJob', 'downloadResult', 'releasePermit', 'storeRawLists', 'toCsv', 'loadCsv']);
    }
    expect(await h.runtime.deps.semaphores.holders(semaphoreKey('zoo-amazon', 'customer', customer))).toEqual([]);
  });
});
