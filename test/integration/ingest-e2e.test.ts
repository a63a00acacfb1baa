/**
 * The walking skeleton end to end: the ingest workflow on the real Temporal dev server,
 * customer inputs and an encrypted credential in MariaDB, a Redis semaphore, the raw
 * response and CSV in the object store, and a deduplicating load into Postgres.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runIngestion } from '../../cli/run/run';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { ingestWorkflowId } from '../../core/run-plan';
import { semaphoreKey } from '../../adapters/locks/semaphores';
import { demoRecord } from '../mock-vendor/demo-ads-server';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';
import { failureChain } from '../setup/failures';

const TABLE = 'dif_test.demo_ads_campaign_daily';
const window = { from: '2026-10-01', to: '2026-10-07' };
const fast = { semaphoreRetryMs: 100, maxAttempts: 4 };

let h: Harness;
beforeAll(async () => {
  h = await startHarness('e2e');
});
afterAll(async () => {
  await h?.shutdown();
});

function run(customer: string, w = window) {
  return runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, { vendor: 'demo-ads', customer, window: w, options: fast });
}

async function rowsOf(customer: string) {
  const { rows } = await h.runtime.postgres.query(
    `SELECT campaign_id, date::text AS date, spend::text AS spend, impressions::int AS impressions, clicks::int AS clicks
       FROM ${TABLE} WHERE _dif_customer = $1 ORDER BY campaign_id, date`,
    [customer],
  );
  return rows;
}

test('one window lands in Postgres with the values the vendor sent', async () => {
  const customer = uniqueName('acme');
  await h.seedCustomer(customer, 'act_77');
  const [outcome] = await run(customer);

  expect(outcome.status).toBe('COMPLETED');
  expect(outcome.workflowId).toBe(`demo-ads/${customer}/campaign_daily/2026-10-01..2026-10-07`);
  expect(outcome.recordsFetched).toBe(35); // 5 campaigns × 7 days
  expect(outcome.rowsLoaded).toBe(35);
  expect(outcome.uiUrl).toContain(encodeURIComponent(outcome.workflowId));

  const rows = await rowsOf(customer);
  expect(rows).toHaveLength(35);
  const expected = demoRecord('act_77', 3, '2026-10-05');
  expect(rows.find((r) => r.campaign_id === 'act_77-c3' && r.date === '2026-10-05')).toEqual({
    campaign_id: 'act_77-c3',
    date: '2026-10-05',
    spend: String(expected.spend_micros / 1e6),
    impressions: expected.impressions,
    clicks: expected.clicks,
  });
  // The request carried the customer's input, the window and the decrypted key.
  const request = h.vendor.requests.at(-1)!;
  expect(request.path).toBe('/v1/accounts/act_77/campaign-stats');
  expect(request.query).toEqual({ start_date: '2026-10-01', end_date: '2026-10-07' });
  expect(request.headers['x-api-key']).toBe(h.apiKey);
  // The permit was given back.
  expect(await h.runtime.deps.semaphores.holders(semaphoreKey('demo-ads', 'customer', customer))).toEqual([]);
});

test('running the same window twice leaves the same rows, without duplicates', async () => {
  const customer = uniqueName('twice');
  await h.seedCustomer(customer);
  const [first] = await run(customer);
  const before = await rowsOf(customer);
  const [second] = await run(customer);
  const after = await rowsOf(customer);

  expect(first.status).toBe('COMPLETED');
  expect(second.status).toBe('COMPLETED');
  // Every row written again, none new: counted as replaced, not inserted.
  expect(second.summary).toMatchObject({ rowsLoaded: 35, rowsReplaced: 35, rowsInserted: 0 });
  expect(after).toEqual(before);
  const { rows } = await h.runtime.postgres.query(
    `SELECT count(*)::int AS n, count(DISTINCT (campaign_id, date))::int AS keys FROM ${TABLE} WHERE _dif_customer = $1`,
    [customer],
  );
  expect(rows[0]).toEqual({ n: 35, keys: 35 });
});

test('an overlapping window replaces the overlap and keeps the rest', async () => {
  const customer = uniqueName('overlap');
  await h.seedCustomer(customer);
  await run(customer, { from: '2026-10-01', to: '2026-10-04' });
  const [second] = await run(customer, { from: '2026-10-03', to: '2026-10-06' });
  expect(second.summary).toMatchObject({ rowsLoaded: 20, rowsReplaced: 10, rowsInserted: 10 }); // days 3 and 4 × 5 campaigns replaced, 5 and 6 new
  expect(await rowsOf(customer)).toHaveLength(30);
});

test('workflow history holds keys and counts, never a response body or a secret', async () => {
  const customer = uniqueName('history');
  await h.seedCustomer(customer);
  const [outcome] = await run(customer);
  expect(outcome.status).toBe('COMPLETED');

  const history = await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
  const text = JSON.stringify(history);
  const decoded = Buffer.from(
    (history.events ?? [])
      .flatMap((e) => JSON.stringify(e))
      .join(''),
  ).toString();
  // Payload data is base64 in the history; decode every payload to search its JSON.
  const payloads: string[] = [];
  JSON.stringify(history, (key, value) => {
    if (key === 'data' && typeof value === 'string') payloads.push(Buffer.from(value, 'base64').toString('utf8'));
    if (key === 'data' && value && typeof value === 'object' && value.type === 'Buffer') payloads.push(Buffer.from(value.data).toString('utf8'));
    return value;
  });
  const everything = [text, decoded, ...payloads].join('\n');

  expect(payloads.join('\n')).toContain(outcome.workflowId); // the decoding works: the id is in there
  expect(everything).not.toContain(h.apiKey);
  expect(everything).not.toContain('Campaign 1'); // a value only the response body holds
  expect(everything).not.toContain('spend_micros');

  // Nor does the object store hold the secret, though it holds the raw response.
  const root = (h.settings.objectStore as { dir: string }).dir;
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).map((f) => path.join(root, f)).filter((f) => fs.statSync(f).isFile());
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect(fs.readFileSync(file, 'utf8')).not.toContain(h.apiKey);
});

test("after the last vendor call, the permit's release, the raw lists' store and the CSV start in one workflow task", async () => {
  const customer = uniqueName('overlap-tasks');
  await h.seedCustomer(customer);
  const [outcome] = await run(customer);
  expect(outcome.status).toBe('COMPLETED');
  const { events } = await h.client.workflow.getHandle(outcome.workflowId, outcome.runId).fetchHistory();
  // Each scheduled activity names the workflow task that scheduled it: one task, not one round trip after another.
  const taskOf = Object.fromEntries(
    (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [e.activityTaskScheduledEventAttributes!.activityType!.name!, String(e.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId)]),
  );
  expect(taskOf.releasePermit).toBeDefined();
  expect([taskOf.storeRawLists, taskOf.toCsv]).toEqual([taskOf.releasePermit, taskOf.releasePermit]);
  expect(taskOf.fetchPages).not.toBe(taskOf.releasePermit);
  expect(await h.runtime.deps.semaphores.holders(semaphoreKey('demo-ads', 'customer', customer))).toEqual([]);
});

test('a wrong API key fails at once with the vendor message, no secret in it, and frees the permit', async () => {
  const customer = uniqueName('badkey');
  await h.seedCustomer(customer);
  await h.runtime.deps.credentials.set({ customerId: customer, vendor: 'demo-ads', name: 'api_key' }, 'wrong-key-SECRET-123');
  const requestsBefore = h.vendor.requests.length;
  const [outcome] = await run(customer);
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/GET \/v1\/accounts\/act_1001\/campaign-stats answered 401: .*invalid or missing API key/);
  expect(outcome.error).not.toContain('wrong-key-SECRET-123');
  expect(h.vendor.requests.length - requestsBefore).toBe(1); // a 401 is not retried
  expect(await h.runtime.deps.semaphores.holders(semaphoreKey('demo-ads', 'customer', customer))).toEqual([]);
});

test('429 with Retry-After and 500s are retried, then the run completes', async () => {
  const customer = uniqueName('throttled');
  await h.seedCustomer(customer);
  h.vendor.failNext(1, { status: 429, retryAfter: '1' });
  h.vendor.failNext(1, { status: 500 });
  const requestsBefore = h.vendor.requests.length;
  const [outcome] = await run(customer);
  expect(outcome.status).toBe('COMPLETED');
  expect(h.vendor.requests.length - requestsBefore).toBe(3);
  expect(await rowsOf(customer)).toHaveLength(35);
});

test('malformed JSON from the vendor fails the run naming the object, and loads nothing', async () => {
  const customer = uniqueName('badjson');
  await h.seedCustomer(customer);
  h.vendor.failNext(1, { status: 200, body: '{"data": [ {"campaign_id": "x", ' });
  const [outcome] = await run(customer);
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/raw\/demo-ads\/.*page-000001\.json .* is not valid JSON/);
  expect(await rowsOf(customer)).toHaveLength(0);
});

test('cancelling a run releases its permit', async () => {
  const customer = uniqueName('cancel');
  await h.seedCustomer(customer);
  h.vendor.configure({ delayMs: 3000 });
  try {
    const handle = await h.client.workflow.start('ingest', {
      taskQueue: h.settings.taskQueue,
      workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window }),
      args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window, options: fast }],
    });
    const key = semaphoreKey('demo-ads', 'customer', customer);
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 1);
    await handle.cancel();
    // Cancelled, not failed for another reason: the run ends as cancelled.
    expect((await failureChain(handle.result())).slice(0, 2)).toEqual([
      { name: 'WorkflowFailedError', message: 'Workflow execution cancelled' },
      { name: 'CancelledFailure', message: expect.any(String) },
    ]);
    await waitFor(async () => (await h.runtime.deps.semaphores.holders(key)).length === 0);
  } finally {
    h.vendor.configure({ delayMs: 0 });
  }
});

test('an unknown vendor and an unknown stream are refused before anything starts', async () => {
  await expect(
    runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, { vendor: 'no-such-vendor', customer: 'x', window }),
  ).rejects.toThrow(/unknown vendor "no-such-vendor".*known vendors: .*demo-ads/);
  await expect(
    runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, { vendor: 'demo-ads', customer: 'x', window, streams: ['nope'] }),
  ).rejects.toThrow(/vendor "demo-ads" has no stream "nope"; streams: campaign_daily/);
});

test('a malformed vendor config is refused with the JSON path of the bad field', async () => {
  const dir = fs.mkdtempSync(path.join(h.settings.vendorsDir, '..', 'test', '.tmp-vendors-'));
  try {
    const config = JSON.parse(fs.readFileSync(path.join(h.settings.vendorsDir, 'demo-ads', 'config.json'), 'utf8'));
    config.streams.campaign_daily.steps[0].request.method = 'FETCH';
    fs.mkdirSync(path.join(dir, 'demo-ads'));
    fs.writeFileSync(path.join(dir, 'demo-ads', 'config.json'), JSON.stringify(config));
    await expect(
      runIngestion(h.client, h.settings, new VendorConfigs(dir), { vendor: 'demo-ads', customer: 'x', window }),
    ).rejects.toThrow(/\$\.streams\.campaign_daily\.steps\[0\]\.request\.method/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a customer not set up for the vendor fails with a message saying so', async () => {
  const [outcome] = await run(uniqueName('stranger'));
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/is not set up for vendor "demo-ads" in MySQL/);
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
