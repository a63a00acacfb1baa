/**
 * A retried fetchPages attempt resumes from what the object store holds. A page and its
 * decision are written at the same time (steps/shared/fetch-pages.ts), so after a crash
 * either may be there without the other: only a decision stored beside its page is trusted,
 * and such a page (the one in flight) is fetched again; every other stored page never is.
 * A fan-out item's single call stores its answer alone: the answer is the decision.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { activitiesFor, createRuntime, type Runtime } from '../../workers/wiring';
import { migrateMysql } from '../../adapters/mysql/migrate';
import { projectRoot } from '../../adapters/settings';
import { pageKey, pageMetaKey, pageSetPrefix, runPrefix } from '../../core/run-plan';
import type { FetchResult, ItemsResult, PermitRef, RunContext, RunPlan } from '../../core/contracts';
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

test("a fan-out item's single call is stored as one object, and a resumed batch calls again only for the items whose answer is missing", async () => {
  const { activities, run } = await newRun('zoo-campaigns', 'campaign_stats');
  const listed = (await new MockActivityEnvironment().run(activities.fetchPages, { run, stepIndex: 0 })) as FetchResult;
  // No permit: underPermit then only heartbeats (as `dif try` runs steps).
  const noPermit = undefined as unknown as PermitRef;
  const items = (await new MockActivityEnvironment().run(activities.planItems, { run, stepIndex: 1, fromLists: [listed.listKey], permit: noPermit })) as ItemsResult;
  expect(items.count).toBe(10);
  const statsCalls = () => zoo.requestsFor('campaigns.stats').map((r) => Number(r.path.split('/')[4]));
  const batch = { itemsKey: items.itemsKey, start: 0, end: 10 };

  const before = statsCalls().length;
  const first = (await new MockActivityEnvironment({ attempt: 1 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch })) as FetchResult;
  expect(first.pages).toBe(10);
  expect(statsCalls().slice(before).sort()).toEqual(Array.from({ length: 10 }, (_, i) => 7_001 + i));
  const raw = runPrefix('raw', run, run.runId);
  for (let item = 0; item < 10; item++) {
    expect(fs.readdirSync(path.join(objects, pageSetPrefix(raw, 'stats', item)))).toEqual(['page-000001.json']);
  }

  // A crash before item 4's answer landed (its write is atomic: it is there whole or not at all).
  const answer4 = fs.readFileSync(path.join(objects, pageKey(pageSetPrefix(raw, 'stats', 3), 1)), 'utf8');
  fs.rmSync(path.join(objects, pageKey(pageSetPrefix(raw, 'stats', 3), 1)));
  const resumed = statsCalls().length;
  const second = (await new MockActivityEnvironment({ attempt: 2 }).run(activities.fetchPages, { run, stepIndex: 1, items: batch })) as FetchResult;
  expect(second.pages).toBe(10);
  expect(statsCalls().slice(resumed)).toEqual([7_004]);
  expect(fs.readFileSync(path.join(objects, pageKey(pageSetPrefix(raw, 'stats', 3), 1)), 'utf8')).toBe(answer4);
});
