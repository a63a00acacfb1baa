/**
 * A retried fetchPages attempt resumes from what the object store holds. A page and its
 * decision are written at the same time (steps/shared/fetch-pages.ts), so after a crash
 * either may be there without the other: only a decision stored beside its page is trusted,
 * and such a page (the one in flight) is fetched again; every other stored page never is.
 * A fan-out item's single call stores its answer alone, the answer is the decision; a batch's
 * small answers are stored in bundles of items (adapters/object-store/answer-bundle.ts), and a
 * retried batch fetches no item of a stored bundle again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activitiesFor, createRuntime, type Runtime } from '../../workers/wiring';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { projectRoot } from '../../adapters/settings';
import { pageKey, pageMetaKey, pageSetPrefix, runPrefix } from '../../core/run-plan';
import { bundlePrefix } from '../../adapters/object-store/answer-bundle';
import { PageOpener } from '../../adapters/object-store/bundle-pages';
import { pagesOf } from '../../activities/page-sets';
import type { CsvResult, FetchResult, ItemsResult, PermitRef, RunContext, RunPlan } from '../../core/contracts';
import { VendorZoo } from '../mock-vendor/vendor-zoo';
import { ZOO_VENDORS } from '../setup/zoo-harness';
import { testSettings, uniqueName } from '../setup/test-settings';

const settings = testSettings('fetch-pages-resume', { vendorsDir: ZOO_VENDORS });
const objects = settings.objectStore.kind === 'local' ? settings.objectStore.dir : '';
let runtime: Runtime;
let zoo: VendorZoo;
let zooUrl: string;

beforeAll(async () => {
  await migrateMysql(settings.mysqlUrl, path.join(projectRoot(), 'migrations', 'mysql'));
  runtime = createRuntime(settings);
  zoo = new VendorZoo({ contacts: { records: 250, maxPageSize: 50 }, campaigns: { campaigns: 10, pageSize: 4 } });
  zooUrl = await zoo.start();
});
afterAll(async () => {
  await zoo?.stop();
  await runtime?.close();
});

/** A run of a new customer of `vendor` (pointed at the zoo), planned and pinned. */
async function newRun(vendor: string, stream: string) {
  const customer = uniqueName('resume');
  await runtime.deps.customers.upsertCustomer(customer, customer);
  await runtime.deps.customers.upsertCustomerVendor(customer, vendor, {}, { baseUrl: zooUrl });
  const activities = activitiesFor(runtime);
  const ingest = { vendor, customer, stream, window: { from: '2024-01-01', to: '2024-01-01' } };
  const plan = (await new MockActivityEnvironment().run(activities.prepareRun, ingest)) as RunPlan;
  const run: RunContext = { ...ingest, runId: uniqueName('run'), configKey: plan.configKey, extractedAt: new Date().toISOString() };
  return { activities, run };
}

test('a decision without its page, or a page without its decision, is fetched again; every other stored page is not', async () => {
  const { activities, run } = await newRun('zoo-contacts', 'contacts');
  const offsets = () => zoo.requestsFor('generic.contacts').filter((r) => r.query.limit === '50' && r.path.includes('contacts')).map((r) => Number(r.query.offset));

  const before = offsets().length;
  const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.fetchPages, { run, stepIndex: 0 })) as FetchResult;
  expect(first.pages).toBe(5); // 250 records in pages of 50: stop.total reached on the fifth
  expect(offsets().slice(before)).toEqual([0, 50, 100, 150, 200]);

  // A crash between the two writes, twice over: page 3's body never landed, page 4's decision never did.
  const prefix = pageSetPrefix(runPrefix('raw', run, run.runId), 'contacts');
  const page3 = fs.readFileSync(path.join(objects, pageKey(prefix, 3)), 'utf8');
  fs.rmSync(path.join(objects, pageKey(prefix, 3)));
  fs.rmSync(path.join(objects, pageMetaKey(prefix, 4)));

  const resumed = before + 5;
  const second = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.fetchPages, { run, stepIndex: 0 })) as FetchResult;
  expect(second.pages).toBe(5);
  // Pages 1, 2 and 5 are read back from the store; 3 and 4 are asked for again, and nothing else.
  expect(offsets().slice(resumed)).toEqual([100, 150]);
  expect(fs.readFileSync(path.join(objects, pageKey(prefix, 3)), 'utf8')).toBe(page3);
  expect(fs.existsSync(path.join(objects, pageMetaKey(prefix, 4)))).toBe(true);
});

/** Every page a page-set list names, read as a later step or toCsv reads it (bundles sliced), with its parent. */
async function answersOf(listKey: string): Promise<{ parent: unknown; text: string; bundled: boolean }[]> {
  const opener = new PageOpener(runtime.deps.objectStore);
  const out = [];
  for await (const page of pagesOf(runtime.deps.objectStore, [listKey])) {
    out.push({ parent: page.parent, text: await opener.text({ key: page.objectKey, range: page.range }), bundled: page.range !== undefined });
  }
  return out;
}

/** The stats step's batch of all the campaigns planned, and a count of the stats calls per campaign id. */
async function campaignBatch(activities: ReturnType<typeof activitiesFor>, run: RunContext, count: number) {
  const listed = (await new MockActivityEnvironment().run(activities.fetchPages, { run, stepIndex: 0 })) as FetchResult;
  // No permit: underPermit then only heartbeats (as `dif try` runs steps).
  const noPermit = undefined as unknown as PermitRef;
  const items = (await new MockActivityEnvironment().run(activities.planItems, { run, stepIndex: 1, fromLists: [listed.listKey], permit: noPermit })) as ItemsResult;
  expect(items.count).toBe(count);
  const statsCalls = () => zoo.requestsFor('campaigns.stats').map((r) => Number(r.path.split('/')[4]));
  return { batch: { itemsKey: items.itemsKey, start: 0, end: count }, statsCalls };
}

const bundleFiles = (run: RunContext) => fs.readdirSync(path.join(objects, bundlePrefix(runPrefix('raw', run, run.runId), 'stats', 0))).sort();

test("a fan-out batch's small answers are stored in bundles, and a resumed batch calls again only for the items of no stored bundle", async () => {
  runtime.deps.bundleLimits = { items: 4, bytes: 8 * 1024 * 1024 };
  try {
    const { activities, run } = await newRun('zoo-campaigns', 'campaign_stats');
    const { batch, statsCalls } = await campaignBatch(activities, run, 10);

    const before = statsCalls().length;
    const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch })) as FetchResult;
    expect(first.pages).toBe(10);
    expect(statsCalls().slice(before).sort()).toEqual(Array.from({ length: 10 }, (_, i) => 7_001 + i));
    const raw = runPrefix('raw', run, run.runId);
    // Three objects for ten answers (4 + 4 + 2), none per item.
    const bundles = bundleFiles(run);
    expect(bundles.map((f) => f.replace(/-[0-9a-f]{12}\.bundle$/, ''))).toEqual(['items-0000000-0000003', 'items-0000004-0000007', 'items-0000008-0000009']);
    for (let item = 0; item < 10; item++) expect(fs.existsSync(path.join(objects, pageSetPrefix(raw, 'stats', item)))).toBe(false);
    const answers = await answersOf(first.listKey);
    expect(answers.map((a) => a.parent)).toEqual(Array.from({ length: 10 }, (_, i) => ({ id: 7_001 + i })));
    expect(answers.every((a) => a.bundled && (JSON.parse(a.text) as { data: unknown[] }).data.length === 1)).toBe(true);

    // A crash before the second bundle landed (its write is atomic: it is there whole or not at all).
    fs.rmSync(path.join(objects, bundlePrefix(raw, 'stats', 0), bundles[1]));
    const resumed = statsCalls().length;
    const second = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch })) as FetchResult;
    expect(second.pages).toBe(10);
    expect(statsCalls().slice(resumed)).toEqual([7_005, 7_006, 7_007, 7_008]);
    // The same answers, and the same bundle written again under the same key (same items, same bytes).
    expect(await answersOf(second.listKey)).toEqual(answers);
    expect(bundleFiles(run)).toEqual(bundles);
  } finally {
    delete runtime.deps.bundleLimits;
  }
});

test('a batch failing at item 250 of 500 stores the answers it received; the retry fetches none of them again, and no row is lost or doubled', async () => {
  zoo.configure({ campaigns: { campaigns: 500, pageSize: 100 } });
  try {
    const { activities, run } = await newRun('zoo-campaigns', 'campaign_stats');
    const { batch, statsCalls } = await campaignBatch(activities, run, 500);

    // Campaigns from the 251st on are gone for a while: item 250's call fails, finally (404).
    zoo.configure({ campaigns: { campaigns: 250 } });
    const before = statsCalls().length;
    const failed = await new MockActivityEnvironment({ attempt: 1 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failed?.message).toMatch(/404/);
    const firstCalls = statsCalls().slice(before);
    expect(firstCalls).toEqual(Array.from({ length: 251 }, (_, i) => 7_001 + i));
    // Two bundles full (100 answers each), and the 50 answers held when it failed, written on the way out.
    expect(bundleFiles(run).map((f) => f.replace(/-[0-9a-f]{12}\.bundle$/, ''))).toEqual(['items-0000000-0000099', 'items-0000100-0000199', 'items-0000200-0000249']);

    zoo.configure({ campaigns: { campaigns: 500 } });
    const resumed = statsCalls().length;
    const second = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch })) as FetchResult;
    expect(second.pages).toBe(500);
    // Every campaign asked for once over both attempts, but the one that failed (twice).
    const perCampaign = new Map<number, number>();
    for (const id of [...firstCalls, ...statsCalls().slice(resumed)]) perCampaign.set(id, (perCampaign.get(id) ?? 0) + 1);
    expect([...perCampaign.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => 7_001 + i));
    expect([...perCampaign.entries()].filter(([, n]) => n !== 1)).toEqual([[7_251, 2]]);

    const answers = await answersOf(second.listKey);
    expect(answers.map((a) => (a.parent as { id: number }).id)).toEqual(Array.from({ length: 500 }, (_, i) => 7_001 + i));
    for (const a of answers) expect((JSON.parse(a.text) as { data: { date: string }[] }).data).toEqual([expect.objectContaining({ date: '2024-01-01' })]);
    // The rows: one per campaign, none lost, none doubled.
    const csv = (await new MockActivityEnvironment().run(activities.toCsv, { run, pageLists: [second.listKey] })) as CsvResult;
    expect(csv).toMatchObject({ records: 500, rows: 500, rejected: 0 });
  } finally {
    zoo.configure({ campaigns: { campaigns: 10, pageSize: 4 } });
  }
});
