/**
 * The pieces of submitting a vendor job at most once that need no service: the job's client
 * token (the same on every attempt, another for another run or batch), validation of the
 * means to recognise a job, and Shopify's `find`, evaluated over answers in its documented shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import { jobToken } from '../../../steps/async/job-token';
import { answerExtension } from '../../../steps/async/submit-once';
import { rawContentType, rawExtension } from '../../../core/raw-names';
import { pageKey } from '../../../core/run-plan';
import { ExpressionScope } from '../../../runtime/expression/expression';
import type { RunContext } from '../../../core/contracts';
import { problemsOf } from '../helpers/config-problems';

const run = { vendor: 'v', customer: 'c', stream: 's', window: { from: '2024-01-01', to: '2024-01-02' }, runId: 'r-1' } as RunContext;

test('the job token: UUID-shaped, the same for the same run and job, another for another run, step or batch', () => {
  const token = jobToken(run, 'report');
  expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(jobToken({ ...run }, 'report')).toBe(token);
  const others = [jobToken({ ...run, runId: 'r-2' }, 'report'), jobToken(run, 'other'), jobToken(run, 'report', 0), jobToken({ ...run, window: { from: '2024-01-01', to: '2024-01-03' } }, 'report')];
  expect(new Set([token, ...others]).size).toBe(5);
});

test('a stored answer is named by what it is', () => {
  expect(answerExtension('application/json; charset=utf-8')).toBe('json');
  expect(answerExtension('text/xml')).toBe('xml');
  expect(answerExtension('text/html')).toBe('txt');
  expect(answerExtension(undefined)).toBe('txt');
});

const zoo = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'vendors', 'zoo-async-jobs', 'config.json'), 'utf8'));

test('validation: idempotent and find need the token in the submit (or, for find, job.sentAt)', () => {
  const config = zoo();
  config.streams.keyed.steps[0].submit.request.headers = {};
  delete config.streams.found.steps[0].submit.request.body.clientToken;
  expect(problemsOf(config, 'zoo-async-jobs')).toEqual([
    { path: '$.streams.keyed.steps[0].submit.idempotent', message: 'needs `${job.token}` in submit.request (a header, query or body field), by which the vendor knows the job again' },
    { path: '$.streams.found.steps[0].submit.find', message: "needs `${job.token}` in submit.request (a report name, a client token) or `job.sentAt` in find, to tell this run's job from others" },
  ]);
});

describe('Shopify bulk_orders: the find request recognises the bulk query of this window made since the lost submit left', () => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vendors', 'shopify', 'config.json'), 'utf8'));
  const find = config.streams.bulk_orders.steps[0].submit.find;
  const window = { from: '2026-11-01', to: '2026-11-02' };
  const ours = `{ orders(query: "updated_at:>='2026-11-01T00:00:00Z' AND updated_at:<='2026-11-02T23:59:59Z'") { edges { node { id } } } }`;
  const other = ours.replaceAll('2026-11-02', '2026-11-03');
  const answer = (nodes: unknown[]) => JSON.stringify({ data: { bulkOperations: { nodes } } });
  let scope: ExpressionScope;
  beforeAll(() => {
    scope = new ExpressionScope({ window, job: { token: 't', sentAt: '2026-11-03T10:00:00.000Z' } });
  });
  afterAll(() => scope.dispose());
  const jobId = (nodes: unknown[]) => {
    scope.setJson('response', answer(nodes));
    return scope.evaluate(find.jobId, '$.find.jobId');
  };

  test('the newest bulk query for this window, made after the submit left (or just before: clocks differ)', () => {
    expect(jobId([{ id: 'gid://shopify/BulkOperation/2', status: 'RUNNING', createdAt: '2026-11-03T09:59:30Z', query: ours }])).toBe('gid://shopify/BulkOperation/2');
  });

  test('none when the newest is another window’s, or this window’s from an earlier run', () => {
    expect(jobId([{ id: 'gid://shopify/BulkOperation/3', status: 'RUNNING', createdAt: '2026-11-03T10:00:01Z', query: other }])).toBeNull();
    expect(jobId([{ id: 'gid://shopify/BulkOperation/1', status: 'COMPLETED', createdAt: '2026-11-03T08:00:00Z', query: ours }])).toBeNull();
    expect(jobId([])).toBeNull();
  });
});

test('raw names: a page is named and labelled by what it is; a JSON page keeps its old key', () => {
  expect(pageKey('raw/x/report', 1)).toBe('raw/x/report/page-000001.json');
  expect(pageKey('raw/x/report', 1, rawExtension('csv', 'gzip'))).toBe('raw/x/report/page-000001.csv.gz');
  expect(rawExtension('ndjson', 'zip')).toBe('ndjson.zip');
  expect(rawExtension('tsv', 'auto')).toBe('tsv');
  expect(rawContentType('csv.gz')).toBe('application/gzip');
  expect(rawContentType('csv')).toBe('text/csv');
  expect(rawContentType('weird')).toBe('application/octet-stream');
});
