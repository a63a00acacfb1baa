/// <reference types="jest" />
/**
 * Records one replay fixture per workflow shape from real runs of today's workflow code on
 * the Temporal dev server; test/integration/replay.test.ts replays every file in
 * test/fixtures/histories. Not part of `npm test` (the name does not end in .test.ts):
 *
 *   npx jest --testMatch '**\/test/record/*.record.ts' --testTimeout 120000
 *   npx jest --testMatch '**\/test/record/*.record.ts' -t 'async'   # one shape
 *
 * Record only from unmodified workflow code (a fixture is what later changes must keep
 * replaying), and keep older fixtures: they are the histories of runs already in flight.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { projectRoot } from '../../adapters/settings';
import { ingestWorkflowId } from '../../core/run-plan';
import { createCleanRoomWorker } from '../../workers/clean-room';
import type { BackfillInput } from '../../workflows/backfill-types';
import type { ScheduledIngestInput } from '../../workflows/scheduled-ingest';
import { startZooHarness, ZOO_VENDORS, type ZooHarness } from '../setup/zoo-harness';
import { saveHistory } from '../setup/record-history';
import { failureChain, waitUntil } from '../setup/failures';
import { gzipCsv, s3Drop } from '../setup/file-drops';
import { uniqueName } from '../setup/test-settings';

const fast = { semaphoreRetryMs: 100, maxAttempts: 3 };
const amazonInputs = { client_id: 'amzn-client', profile_id: '3141592653' };
const amazonSecrets = { access_token: 'amazon-token' };

let h: ZooHarness;
let vendorsDir: string;
beforeAll(async () => {
  vendorsDir = waitingFilesVendors();
  h = await startZooHarness('record', {}, { vendorsDir });
});
afterAll(async () => {
  await h?.shutdown();
  fs.rmSync(vendorsDir, { recursive: true, force: true });
});

/**
 * The zoo vendors and demo-ads, with the S3 drop's files step waiting for a late file on
 * short looks: the shipped test configs wait only over FTP, which needs the file servers.
 */
function waitingFilesVendors(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-record-vendors-'));
  fs.cpSync(ZOO_VENDORS, dir, { recursive: true });
  fs.cpSync(path.join(projectRoot(), 'vendors', 'demo-ads'), path.join(dir, 'demo-ads'), { recursive: true });
  const file = path.join(dir, 'zoo-files-s3', 'config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  Object.assign(config.streams.orders.steps[0], { expect: 'wait', wait: { intervalMinutes: 0.01, timeoutMinutes: 1 } });
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return dir;
}

test('ingest, single paginated step, completed', async () => {
  const customer = uniqueName('replay');
  await h.seedCustomer(customer);
  const outcome = await h.ingest('demo-ads', customer, { from: '2026-08-01', to: '2026-08-02' });
  expect(outcome.status).toBe('COMPLETED');
  saveHistory(h.settings, 'ingest-completed', outcome);
});

test('ingest, dependent steps (accounts → campaigns → analytics)', async () => {
  const customer = await h.customerFor('zoo-linkedin', {}, { access_token: 'linkedin-token' });
  const outcome = await h.ingest('zoo-linkedin', customer, { from: '2024-01-30', to: '2024-02-01' });
  expect(outcome.status).toBe('COMPLETED');
  saveHistory(h.settings, 'ingest-dependent', outcome);
});

describe('async', () => {
  test('ingest, async job done after polls', async () => {
    h.zoo.configure({ amazon: { pollsBeforeComplete: 2, neverFinish: false, failNextJobs: 0 } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const outcome = await h.ingest('zoo-amazon', customer, { from: '2024-03-01', to: '2024-03-02' });
    expect(outcome.status).toBe('COMPLETED');
    saveHistory(h.settings, 'ingest-async-done', outcome);
  });

  test('ingest, async job the vendor fails', async () => {
    h.zoo.configure({ amazon: { failNextJobs: 1, neverFinish: false } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const outcome = await h.ingest('zoo-amazon', customer, { from: '2024-03-05', to: '2024-03-05' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(/vendor job .* failed with status FAILED/);
    saveHistory(h.settings, 'ingest-async-failed', outcome);
  });

  test('ingest, async job cancelled with the run', async () => {
    h.zoo.configure({ amazon: { neverFinish: true, failNextJobs: 0 } });
    try {
      const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
      const window = { from: '2024-03-07', to: '2024-03-07' };
      const polls = h.zoo.requestsFor('amazon.getReport').length;
      const handle = await h.client.workflow.start('ingest', {
        taskQueue: h.settings.taskQueue,
        workflowId: ingestWorkflowId({ vendor: 'zoo-amazon', customer, stream: 'sp_campaigns', window }),
        args: [{ vendor: 'zoo-amazon', customer, stream: 'sp_campaigns', window, options: fast }],
      });
      await waitUntil('two polls of the report', () => h.zoo.requestsFor('amazon.getReport').length - polls >= 2);
      await handle.cancel();
      expect((await failureChain(handle.result()))[0].message).toBe('Workflow execution cancelled');
      saveHistory(h.settings, 'ingest-async-cancelled', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
    } finally {
      h.zoo.configure({ amazon: { neverFinish: false } });
    }
  });
});

describe('bounded history (children of the ingest run)', () => {
  /** The first run of each child the ingest run started, in order of starting. */
  async function children(run: { workflowId: string; runId: string }): Promise<{ workflowId: string; runId: string }[]> {
    const history = await h.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    return (history.events ?? []).flatMap((e) => {
      const started = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      return started ? [{ workflowId: started.workflowId!, runId: started.runId! }] : [];
    });
  }

  test('ingest, dependent steps fanned out in chunk child workflows', async () => {
    const customer = await h.customerFor('zoo-linkedin', {}, { access_token: 'linkedin-token' });
    const outcome = await h.ingest('zoo-linkedin', customer, { from: '2024-01-30', to: '2024-02-01' }, { options: { fanOutChunkBatches: 2 } });
    expect(outcome.status).toBe('COMPLETED');
    saveHistory(h.settings, 'ingest-dependent-chunked', outcome);
    saveHistory(h.settings, 'fan-out-chunk', (await children(outcome))[0]);
  });

  test('ingest, async job polled in a child that continues as new', async () => {
    // Three polls, one per run: within the zoo's 3-second job timeout.
    h.zoo.configure({ amazon: { pollsBeforeComplete: 2, neverFinish: false, failNextJobs: 0 } });
    const customer = await h.customerFor('zoo-amazon', amazonInputs, amazonSecrets);
    const outcome = await h.ingest('zoo-amazon', customer, { from: '2024-03-01', to: '2024-03-02' }, { options: { jobPollsPerRun: 1 } });
    expect(outcome.status).toBe('COMPLETED');
    saveHistory(h.settings, 'ingest-async-polls-child', outcome);
    // The first run, which ends continuing as new.
    saveHistory(h.settings, 'job-polls', (await children(outcome))[0]);
  });
});

test('ingest, files step waiting for a late file', async () => {
  const bucket = uniqueName('record-drop').toLowerCase();
  const drop = await s3Drop(bucket);
  try {
    const customer = await h.customerFor(
      'zoo-files-s3',
      { bucket, prefix: 'acme/', endpoint: drop.endpoint },
      { aws_access_key_id: drop.accessKeyId, aws_secret_access_key: drop.secretAccessKey },
    );
    const window = { from: '2024-03-01', to: '2024-03-01' };
    const handle = await h.client.workflow.start('ingest', {
      taskQueue: h.settings.taskQueue,
      workflowId: ingestWorkflowId({ vendor: 'zoo-files-s3', customer, stream: 'orders', window }),
      args: [{ vendor: 'zoo-files-s3', customer, stream: 'orders', window, options: fast }],
    });
    // The file arrives only after the run has looked and gone to sleep on a durable timer.
    await waitUntil('a durable wait for the file', async () => (await handle.fetchHistory()).events!.some((e) => e.timerStartedEventAttributes));
    await drop.put('acme/orders_20240301.csv.gz', gzipCsv([['order_id', 'day', 'amount'], ['A1', '2024-03-01', '10.5']]));
    expect((await handle.result()).rowsLoaded).toBe(1);
    saveHistory(h.settings, 'ingest-files-wait', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
  } finally {
    drop.close();
  }
});

test('ingest, clean-room customer (fetch and CSV on the customer’s queue, protected export)', async () => {
  const customer = uniqueName('room');
  await h.seedCustomer(customer);
  await h.runtime.deps.customers.upsertCustomer(customer, customer, { cleanRoom: true });
  // The room in this process, with its own object store; the workflow's shape is what is recorded.
  const roomStore = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-record-room-'));
  const connection = await NativeConnection.connect({ address: h.settings.temporalAddress });
  const room = await createCleanRoomWorker(
    { customer, settings: { ...h.settings, objectStore: { kind: 'local', dir: roomStore } }, difStore: h.settings.objectStore },
    connection,
  );
  const running = room.worker.run();
  try {
    const outcome = await h.ingest('demo-ads', customer, { from: '2026-08-01', to: '2026-08-02' });
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.summary!.csvObject).toBeDefined();
    saveHistory(h.settings, 'ingest-clean-room', outcome);
  } finally {
    room.worker.shutdown();
    await running;
    await room.runtime.close();
    await connection.close();
    fs.rmSync(roomStore, { recursive: true, force: true });
  }
});

test('backfill of two windows, one ingest child each', async () => {
  const customer = uniqueName('backfill');
  await h.seedCustomer(customer);
  const input: BackfillInput = {
    vendor: 'demo-ads',
    request: { customer, from: '2026-09-01', to: '2026-09-02', windowDays: 1 },
    items: ['2026-09-01', '2026-09-02'].map((day) => ({ customer, stream: 'campaign_daily', window: { from: day, to: day } })),
    parallel: 2,
    options: fast,
  };
  const handle = await h.client.workflow.start('backfill', { taskQueue: h.settings.taskQueue, workflowId: `backfill/${customer}`, args: [input] });
  expect(await handle.result()).toMatchObject({ total: 2, completed: 2 });
  saveHistory(h.settings, 'backfill', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
});

test('scheduledIngest started by hand (window from its start time)', async () => {
  const customer = uniqueName('scheduled');
  await h.seedCustomer(customer);
  const input: ScheduledIngestInput = { vendor: 'demo-ads', customer, streams: ['campaign_daily'], lookbackDays: 1, options: fast };
  const handle = await h.client.workflow.start('scheduledIngest', { taskQueue: h.settings.taskQueue, workflowId: `scheduled/${customer}`, args: [input] });
  expect((await handle.result()).runs).toHaveLength(1);
  saveHistory(h.settings, 'scheduled-ingest', { workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
});
