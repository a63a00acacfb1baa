/**
 * An async vendor job is submitted at most once per run (issue 21, item 4), and an async step
 * finishes against a vendor that misbehaves (BOM, 429 with Retry-After, 503, a BOM in the
 * file), on the real Temporal server. The mock vendor counts the jobs it creates: a submit
 * whose answer is cut mid-body, or is a gateway's HTML page, is resolved by the config's
 * means (an idempotency key, finding the job by its client token), or fails the run naming
 * the request that may have created a job; no case creates a second job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AsyncJobsVendor, asyncJobRows } from '../mock-vendor/async-jobs-vendor';
import { startZooHarness, type ZooHarness } from '../setup/zoo-harness';

let h: ZooHarness;
let vendor: AsyncJobsVendor;
let vendorUrl: string;
beforeAll(async () => {
  h = await startZooHarness('submit-once');
  vendor = new AsyncJobsVendor();
  vendorUrl = await vendor.start();
});
afterAll(async () => {
  await vendor?.stop();
  await h?.shutdown();
});

async function run(stream: 'keyed' | 'found' | 'plain', window: { from: string; to: string }, overrides: Record<string, unknown> = {}) {
  const customer = await h.customerFor('zoo-async-jobs', {}, {}, { baseUrl: vendorUrl, ...overrides });
  const outcome = await h.ingest('zoo-async-jobs', customer, window, { stream, maxAttempts: 4 });
  // A failed run loaded nothing (its table may not even exist yet).
  if (outcome.status !== 'COMPLETED') return { outcome, customer, rows: [], jobs: vendor.created(`${stream} ${window.from}..${window.to}`) };
  const { rows } = await h.runtime.postgres.query(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, campaign_id, clicks FROM dif_test.zoo_async_${stream} WHERE _dif_customer = $1 ORDER BY date, campaign_id`,
    [customer],
  );
  return { outcome, customer, rows: rows.map((r) => ({ ...r, clicks: Number(r.clicks) })), jobs: vendor.created(`${stream} ${window.from}..${window.to}`) };
}

const ORPHANED = /the job may have been created at the vendor, but its answer was lost: .*Possibly orphaned request: POST http:\/\/127\.0\.0\.1:\d+\/reports at \d{4}-\d\d-\d\dT[\d:.]+Z\. DIF does not submit again/;

describe.each([
  ['keyed', 'an idempotency key sent again'],
  ['found', 'the job found by its client token'],
] as const)('%s stream (%s)', (stream, _means) => {
  test('the submit answer cut mid-body: one job, every row', async () => {
    vendor.configure({ submit: ['cut'] });
    const window = stream === 'keyed' ? { from: '2024-02-01', to: '2024-02-02' } : { from: '2024-02-03', to: '2024-02-04' };
    const { outcome, rows, jobs } = await run(stream, window);
    expect(outcome.status).toBe('COMPLETED');
    expect(rows).toEqual(asyncJobRows(window.from, window.to));
    expect(jobs).toBe(1);
  });

  test('the submit answer not JSON (a gateway page with 200) on the first attempt: one job, every row', async () => {
    vendor.configure({ submit: ['html'] });
    const window = stream === 'keyed' ? { from: '2024-02-05', to: '2024-02-05' } : { from: '2024-02-06', to: '2024-02-06' };
    const { outcome, rows, jobs } = await run(stream, window);
    expect(outcome.status).toBe('COMPLETED');
    expect(rows).toEqual(asyncJobRows(window.from, window.to));
    expect(jobs).toBe(1);
  });
});

describe('without a means to recognise the job', () => {
  test('an answer cut mid-body fails the run finally, naming the possibly orphaned request', async () => {
    vendor.configure({ submit: ['cut'] });
    const { outcome, jobs } = await run('plain', { from: '2024-02-07', to: '2024-02-07' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(ORPHANED);
    expect(outcome.error).toMatch(/no answer was stored/);
    expect(jobs).toBe(1);
  });

  test('a submit never answered (its request times out) is not sent again by the per-request retries', async () => {
    // The vendor creates the job and holds the answer; the client gives up after a second.
    vendor.configure({ submit: ['hang'] });
    const { outcome, jobs } = await run('plain', { from: '2024-02-09', to: '2024-02-09' }, { timeoutSeconds: 1 });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(ORPHANED);
    expect(jobs).toBe(1);
  });

  test('an answer that is not JSON fails the run at once, with its first bytes', async () => {
    vendor.configure({ submit: ['html'] });
    const { outcome, jobs } = await run('plain', { from: '2024-02-08', to: '2024-02-08' });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toMatch(ORPHANED);
    expect(outcome.error).toMatch(/the answer is not JSON \(.*502 Bad Gateway/);
    expect(jobs).toBe(1);
  });

  test('a well-behaved vendor: one submit, one job', async () => {
    vendor.configure({});
    const window = { from: '2024-02-09', to: '2024-02-10' };
    const { outcome, rows, jobs } = await run('plain', window);
    expect(outcome.status).toBe('COMPLETED');
    expect(rows).toEqual(asyncJobRows(window.from, window.to));
    expect(jobs).toBe(1);
  });
});

test('a misbehaving vendor (BOM on polls, 429 with Retry-After on a poll, 503 on the download, a BOM in the gzip file): every row, one job', async () => {
  vendor.configure({ bomOnPoll: true, poll429: 1, download503: 1, bomInFile: true });
  const window = { from: '2024-02-11', to: '2024-02-13' };
  const before = vendor.requests.length;
  const { outcome, customer, rows, jobs } = await run('keyed', window);
  expect(outcome.status).toBe('COMPLETED');
  // The gzip CSV report is stored as what it is (issue 21, item 8), and the raw submit answer beside the job.
  const stored = (fs.readdirSync((h.settings.objectStore as { dir: string }).dir, { recursive: true }) as string[]).filter((f) => f.includes(`${customer}`));
  expect(stored.filter((f) => f.includes('page-0')).map((f) => path.basename(f))).toEqual(['page-000001.csv.gz']);
  expect(stored.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['submit-intent.json', 'submit-answer.json', 'job.json']));
  expect(rows).toEqual(asyncJobRows(window.from, window.to));
  expect(jobs).toBe(1);
  // Each fault was met (and got past): a second download after the 503, a poll after the 429.
  const seen = vendor.requests.slice(before);
  expect(seen.filter((r) => r.startsWith('GET /files/'))).toHaveLength(2);
  expect(vendor.misbehaviour.poll429).toBe(0);
});
