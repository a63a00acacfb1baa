/**
 * What a submit does with what an earlier attempt left (steps/async/submit-once.ts): the
 * job id kept, a stored answer re-read instead of a second submit, an intent left open by a
 * lost connection, closed by the vendor's error status. A local object store in a scratch
 * directory and a vendor client that records its calls; the real sandbox for expressions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';
import { ExpressionScope } from '../../../runtime/expression/expression';
import { retryableFailure } from '../../../activities/failures';
import type { VendorClient } from '../../../activities/vendor-client';
import { submitOnce, type SubmitContext } from '../../../steps/async/submit-once';
import type { AsyncStepConfig } from '../../../steps/async/grammar';

const PREFIX = 'raw/v/c/s/w/run/report';
let store: LocalObjectStore;
let scope: ExpressionScope;
let sent: string[];
let answers: (() => { status: number; headers: Record<string, string>; body: string })[];

beforeEach(() => {
  store = new LocalObjectStore(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-submit-once-')));
  sent = [];
  answers = [];
});
beforeAll(() => (scope = new ExpressionScope({ job: { token: 'tok' } })));
afterAll(() => scope.dispose());

function context(submit: Partial<AsyncStepConfig['submit']> = {}): SubmitContext {
  const client = {
    config: { vendor: 'v', baseUrl: 'https://vendor.example' },
    scrub: (text: string) => text,
    async send(request: { method?: string; path?: string }) {
      sent.push(`${request.method ?? 'GET'} ${request.path}`);
      const next = answers.shift();
      if (!next) throw new Error('no answer scripted');
      const a = next();
      return { ...a, body: Readable.from([Buffer.from(a.body)]), label: `${request.method ?? 'GET'} ${request.path}` };
    },
  } as unknown as VendorClient;
  const step = { name: 'report', submit: { request: { method: 'POST', path: '/reports' }, jobId: 'response.id', ...submit } } as unknown as AsyncStepConfig;
  return { step, where: 'v: $.streams.s.steps[0]', prefix: PREFIX, scope, token: 'tok', client, store, evaluate: (e, at) => scope.evaluate(e, at) };
}
const json = (body: unknown) => () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const intent = async (open: boolean) =>
  store.put(`${PREFIX}/submit-intent.json`, JSON.stringify({ method: 'POST', label: 'POST /reports', url: 'https://vendor.example/reports', at: '2026-12-03T09:00:00.000Z', open }));

test('a clean submit: intent, answer and job id stored; a retry after it reuses the job without a request', async () => {
  answers.push(json({ id: 'job-1' }));
  expect(await submitOnce(context())).toEqual({ jobId: 'job-1', reused: false });
  expect(JSON.parse(await store.getText(`${PREFIX}/submit-answer.json`))).toEqual({ id: 'job-1' });
  expect(JSON.parse(await store.getText(`${PREFIX}/submit-intent.json`))).toMatchObject({ method: 'POST', url: 'https://vendor.example/reports', open: true });
  expect(await submitOnce(context())).toEqual({ jobId: 'job-1', reused: true });
  expect(sent).toEqual(['POST /reports']);
});

test('a stored answer whose id was never kept (the attempt stopped after storing it) is re-read, not submitted again', async () => {
  await intent(true);
  await store.put(`${PREFIX}/submit-answer.json`, JSON.stringify({ id: 'job-7' }));
  expect(await submitOnce(context())).toEqual({ jobId: 'job-7', reused: true });
  expect(sent).toEqual([]);
  expect(JSON.parse(await store.getText(`${PREFIX}/job.json`))).toEqual({ id: 'job-7' });
});

test('an open intent without an answer and no means: fails finally, naming the request, sending nothing', async () => {
  await intent(true);
  const failure = await submitOnce(context()).catch((e) => e);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'VendorRequestError', nonRetryable: true });
  expect(failure.message).toMatch(/Possibly orphaned request: POST https:\/\/vendor\.example\/reports at 2026-12-03T09:00:00\.000Z/);
  expect(sent).toEqual([]);
});

test('an open intent with find: the job found is kept; none found, a new submit', async () => {
  await intent(true);
  const find = { request: { method: 'GET', path: '/reports' }, jobId: 'response.reports.find(r => r.token === job.token)?.id ?? null' };
  answers.push(json({ reports: [{ id: 'job-3', token: 'tok' }] }));
  expect(await submitOnce(context({ find }))).toEqual({ jobId: 'job-3', reused: true });
  expect(sent).toEqual(['GET /reports']);

  store = new LocalObjectStore(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-submit-once-')));
  await intent(true);
  sent = [];
  answers.push(json({ reports: [{ id: 'job-9', token: 'someone else' }] }), json({ id: 'job-4' }));
  expect(await submitOnce(context({ find }))).toEqual({ jobId: 'job-4', reused: false });
  expect(sent).toEqual(['GET /reports', 'POST /reports']);
});

test('the vendor’s error status closes the intent (a new submit is safe); a lost connection leaves it open', async () => {
  const failing = (error: Error) => () => {
    throw error;
  };
  answers.push(failing(retryableFailure('VendorThrottled', 'POST /reports answered 429: slow down')));
  await expect(submitOnce(context())).rejects.toMatchObject({ type: 'VendorThrottled' });
  expect(JSON.parse(await store.getText(`${PREFIX}/submit-intent.json`))).toMatchObject({ open: false });
  answers.push(json({ id: 'job-5' }));
  expect(await submitOnce(context())).toEqual({ jobId: 'job-5', reused: false });

  store = new LocalObjectStore(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-submit-once-')));
  answers.push(failing(retryableFailure('VendorUnavailable', 'POST /reports on vendor.example failed: ECONNRESET')));
  await expect(submitOnce(context())).rejects.toMatchObject({ type: 'VendorUnavailable' });
  expect(JSON.parse(await store.getText(`${PREFIX}/submit-intent.json`))).toMatchObject({ open: true });
});

test('idempotent: an answer that is not JSON is followed by one submit with the same token; a second such answer is left to the retry', async () => {
  const html = () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>502</html>' });
  answers.push(html, json({ id: 'job-6' }));
  expect(await submitOnce(context({ idempotent: true }))).toEqual({ jobId: 'job-6', reused: false });
  expect(sent).toEqual(['POST /reports', 'POST /reports']);

  store = new LocalObjectStore(fs.mkdtempSync(path.join(os.tmpdir(), 'dif-submit-once-')));
  sent = [];
  answers.push(html, html);
  await expect(submitOnce(context({ idempotent: true }))).rejects.toMatchObject({ type: 'VendorError', message: expect.stringMatching(/answered twice without a job id: the answer is not JSON/) });
  expect(sent).toHaveLength(2);
});
