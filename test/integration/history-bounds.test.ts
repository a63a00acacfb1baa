/**
 * Workflow history stays bounded by construction (issue #13, defect 3): a dependent fan-out
 * with `batchSize: 1` runs in chunk child workflows, and an async job's polls run in a child
 * that continues as new, so no run's history grows with the number of items or polls.
 * Every run (the ingest run, each chunk, each continued poll run) is counted with
 * `temporal workflow show`, following child starts and continue-as-new links from the
 * ingest run, against the real Temporal dev server and VendorZoo.
 *
 * CI scale by default (120 items in chunks of 8 batches, so chunks of chunks; 24 polls, 8 a
 * run), under a minute; the scale by environment (the polls take about 13 minutes
 * on a busy 2-core machine; 50,000 fetch activities, at about 180 a minute there, hours):
 *   DIF_HISTORY_ITEMS=50000 DIF_HISTORY_POLLS=500 DIF_HISTORY_CHUNK_BATCHES=500 DIF_HISTORY_POLLS_PER_RUN=100 \
 *     npx jest test/integration/history-bounds.test.ts --testTimeout 14400000
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { difHome } from '../../adapters/settings';
import type { RunOutcome } from '../../cli/run/run';
import type { DateWindow } from '../../core/run-plan';
import { expectedAmazonRows } from '../mock-vendor/zoo/amazon';
import { startZooHarness, ZOO_VENDORS, type ZooHarness } from '../setup/zoo-harness';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ITEMS = env('DIF_HISTORY_ITEMS', 120);
const CHUNK_BATCHES = env('DIF_HISTORY_CHUNK_BATCHES', 8);
const POLLS = env('DIF_HISTORY_POLLS', 24);
const POLLS_PER_RUN = env('DIF_HISTORY_POLLS_PER_RUN', 8);
const CONCURRENCY = env('DIF_HISTORY_CONCURRENCY', 4);
/** Temporal ends a run at 51,200 events; the issue asks for every run under 10,000. */
const MAX_EVENTS = 10_000;
/**
 * At CI scale 10,000 proves nothing: the bound each run must keep is what its construction
 * allows, a chunk's batches (at most 6 events each: an activity's 3, a workflow task's 3),
 * a run's chunks (about 10 each: the child's start and end, with their workflow tasks) or a run's polls (at most 25 each in `calls` mode: the acquire, the poll, the release and
 * the timer, 11 events, and up to four workflow tasks of 3), plus the run's fixed steps.
 */
const FAN_OUT_RUN_LIMIT = Math.min(MAX_EVENTS, 10 * CHUNK_BATCHES + 150);
const POLL_RUN_LIMIT = Math.min(MAX_EVENTS, 25 * POLLS_PER_RUN + 150);
const CAMPAIGNS_PER_ACCOUNT = 100;

let h: ZooHarness;
let vendorsDir: string;
beforeAll(async () => {
  vendorsDir = boundedHistoryVendors();
  h = await startZooHarness('history', {}, { vendorsDir });
});
afterAll(async () => {
  await h?.shutdown();
  fs.rmSync(vendorsDir, { recursive: true, force: true });
});

/** The zoo vendors with LinkedIn's analytics fan-out at one item per batch and Amazon's polls as short as allowed, never timing out. */
function boundedHistoryVendors(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-history-vendors-'));
  fs.cpSync(ZOO_VENDORS, dir, { recursive: true });
  edit(path.join(dir, 'zoo-linkedin', 'config.json'), (config) => {
    Object.assign(config.streams.campaign_analytics.steps[2], { batchSize: 1, concurrency: CONCURRENCY });
  });
  edit(path.join(dir, 'zoo-amazon', 'config.json'), (config) => {
    Object.assign(config.streams.sp_campaigns.steps[0].poll, { intervalSeconds: 0.01, backoff: 1, timeoutMinutes: 24 * 60 });
  });
  return dir;
}

function edit(file: string, change: (config: any) => void): void {
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  change(config);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}

interface RunEvents {
  workflowId: string;
  runId: string;
  type: string;
  events: number;
}

/** `temporal workflow show` of one run: its events, as the server keeps them. */
function show(workflowId: string, runId: string): { eventType: string; [attributes: string]: any }[] {
  const json = execFileSync(
    path.join(difHome(), 'bin', 'temporal'),
    ['workflow', 'show', '--address', h.settings.temporalAddress, '--namespace', h.settings.temporalNamespace, '-w', workflowId, '-r', runId, '-o', 'json'],
    { maxBuffer: 1 << 30 },
  );
  return JSON.parse(json.toString()).events;
}

/** Every run the ingest run led to: itself, its children, and the runs they continued as. */
/** The input of the run's one toCsv activity, as scheduled. */
function toCsvInput(run: { workflowId: string; runId: string }): { pageLists: string[] } {
  const scheduled = show(run.workflowId, run.runId)
    .map((e) => e.activityTaskScheduledEventAttributes)
    .find((a) => a?.activityType.name === 'toCsv');
  return JSON.parse(Buffer.from(scheduled.input.payloads[0].data, 'base64').toString());
}

function allRuns(root: { workflowId: string; runId: string }): RunEvents[] {
  const runs: RunEvents[] = [];
  const queue = [root];
  while (queue.length) {
    const { workflowId, runId } = queue.shift()!;
    const events = show(workflowId, runId);
    const type = events[0].workflowExecutionStartedEventAttributes.workflowType.name;
    runs.push({ workflowId, runId, type, events: events.length });
    for (const e of events) {
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child) queue.push({ workflowId: child.workflowId, runId: child.runId });
      const next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) queue.push({ workflowId, runId: next });
    }
  }
  return runs;
}

async function ingest(vendor: string, customer: string, window: DateWindow): Promise<RunOutcome> {
  const outcome = await h.ingest(vendor, customer, window, { options: { fanOutChunkBatches: CHUNK_BATCHES, jobPollsPerRun: POLLS_PER_RUN } });
  if (outcome.status === 'FAILED') throw new Error(outcome.error);
  return outcome;
}

const rowCount = async (table: string, customer: string) =>
  Number((await h.runtime.postgres.query(`SELECT count(*) AS n FROM dif_test.${table} WHERE _dif_customer = $1`, [customer])).rows[0].n);

function report(label: string, runs: RunEvents[]): number {
  const max = Math.max(...runs.map((r) => r.events));
  const types = [...new Set(runs.map((r) => r.type))];
  const byType = types.map((type) => {
    const of = runs.filter((r) => r.type === type);
    return `${type}: ${of.length} run(s), max ${Math.max(...of.map((r) => r.events))} events`;
  });
  console.log(`${label}: ${runs.length} runs, most events in one run ${max} (${byType.join('; ')})`);
  return max;
}

test(`a fan-out over ${ITEMS} items with batchSize 1 runs in chunks of ${CHUNK_BATCHES} batches; every run stays small; every record lands once`, async () => {
  const accounts = Math.ceil(ITEMS / CAMPAIGNS_PER_ACCOUNT);
  const campaignsPerAccount = Math.ceil(ITEMS / accounts);
  h.zoo.configure({ linkedin: { accounts, campaignsPerAccount, defaultCount: Math.max(10, campaignsPerAccount) } });
  const customer = await h.customerFor('zoo-linkedin', {}, { access_token: 'linkedin-token' });
  const window = { from: '2024-02-01', to: '2024-02-01' };
  const items = accounts * campaignsPerAccount;
  const calls = h.zoo.linkedin.analyticsCalls.length;

  const outcome = await ingest('zoo-linkedin', customer, window);

  const runs = allRuns(outcome);
  const max = report(`fan-out of ${items} items`, runs);
  expect(max).toBeLessThan(FAN_OUT_RUN_LIMIT);
  // Past CHUNK_BATCHES² batches (CI scale), chunks of chunks; below it, one level of chunks.
  const chunks = runs.filter((r) => r.type === 'fanOutChunk');
  if (items > CHUNK_BATCHES ** 2) expect(chunks.length).toBeGreaterThan(Math.ceil(items / CHUNK_BATCHES));
  else expect(chunks.length).toBe(Math.ceil(items / CHUNK_BATCHES));
  // One call per item, each page read once into CSV, each record loaded once.
  expect(h.zoo.linkedin.analyticsCalls.length - calls).toBe(items);
  expect(outcome.recordsFetched).toBe(items);
  expect(await rowCount('zoo_linkedin_campaign_analytics', customer)).toBe(items);
  // The ingest run kept one key per chunk it started, and passed the CSV activity one key (its stored list of them).
  expect(outcome.summary!.rawLists.count).toBeLessThanOrEqual(CHUNK_BATCHES);
  expect(toCsvInput(outcome).pageLists).toEqual([outcome.summary!.rawLists.key]);
});

test(`an async job polled ${POLLS} times continues as new every ${POLLS_PER_RUN} polls; every run stays small`, async () => {
  h.zoo.configure({ amazon: { pollsBeforeComplete: POLLS - 1, neverFinish: false, failNextJobs: 0 } });
  const customer = await h.customerFor('zoo-amazon', { client_id: 'amzn-client', profile_id: '3141592653' }, { access_token: 'amazon-token' });
  const window = { from: '2024-03-01', to: '2024-03-01' };
  const polls = h.zoo.requestsFor('amazon.getReport').length;

  const outcome = await ingest('zoo-amazon', customer, window);

  const runs = allRuns(outcome);
  const max = report(`async job with ${POLLS} polls`, runs);
  expect(max).toBeLessThan(POLL_RUN_LIMIT);
  expect(runs.filter((r) => r.type === 'jobPolls').length).toBe(Math.ceil(POLLS / POLLS_PER_RUN));
  expect(h.zoo.requestsFor('amazon.getReport').length - polls).toBe(POLLS);
  const expected = expectedAmazonRows(window.from, window.to).length;
  expect(outcome.recordsFetched).toBe(expected);
  expect(await rowCount('zoo_amazon_sp_campaigns', customer)).toBe(expected);
});
