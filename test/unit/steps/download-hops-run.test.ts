/**
 * resolveHops on its own, with a stand-in for the vendor client: each hop's request is
 * rendered from the answer before it, its answer is kept in the object store and becomes
 * the next `response`; a missing value or an answer that is not JSON fails as data, naming
 * the hop's JSON path, before any later call is made.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { LocalObjectStore } from '../../../adapters/object-store/local-object-store';
import { ExpressionScope } from '../../../runtime/expression/expression';
import type { RequestConfig } from '../../../core/config-schema';
import type { VendorClient } from '../../../activities/vendor-client';
import { resolveHops, type HopContext } from '../../../steps/async/download-hops';

const WHERE = 'sp: $.streams.all_orders.steps[0]';
let dir: string;
let store: LocalObjectStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-hops-'));
  store = new LocalObjectStore(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A client answering each rendered path from `answers`, recording the paths it was asked for. */
function fakeClient(answers: Record<string, string>) {
  const paths: string[] = [];
  const client = {
    async send(spec: RequestConfig, scope: ExpressionScope, where: string) {
      const rendered = scope.render(spec.path ?? '/', `${where}.path`, 'path');
      paths.push(rendered);
      return { status: 200, headers: {}, body: Readable.from([answers[rendered] ?? '{}']), label: `GET ${rendered}` };
    },
    // As the real client does for the secrets it holds: here, one token.
    scrub: (text: string) => text.replaceAll('tok-SECRET', '[scrubbed]'),
  };
  return { client: client as unknown as VendorClient, paths };
}

function context(client: VendorClient, lastPoll: unknown): HopContext {
  const scope = new ExpressionScope({ job: { id: 'R1' } });
  scope.setJson('response', JSON.stringify(lastPoll));
  return { client, scope, store, where: WHERE, prefix: 'raw/run/report', evaluate: (e, at) => scope.evaluate(e, at) };
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    return e as ApplicationFailure;
  }
  throw new Error('expected a failure');
}

test('two hops: each request reads the answer before it as `value`; the last answer is `response`, and each is stored', async () => {
  const { client, paths } = fakeClient({
    '/documents/D1': '{"next":"P9"}',
    '/parts/P9/R1': '{"url":"https://bucket.example/file?sig=1"}',
  });
  const c = context(client, { processingStatus: 'DONE', reportDocumentId: 'D1' });
  const download = {
    url: 'response.url',
    resolve: [
      { value: 'response.reportDocumentId', request: { path: '/documents/${value}' } },
      { value: 'response.next', request: { path: '/parts/${value}/${job.id}' } },
    ],
  };
  await resolveHops(download, c);
  expect(paths).toEqual(['/documents/D1', '/parts/P9/R1']);
  expect(c.scope.evaluate('response.url', 'test')).toBe('https://bucket.example/file?sig=1');
  expect(await store.getText('raw/run/report/resolve-1.json')).toBe('{"next":"P9"}');
  expect(await store.getText('raw/run/report/resolve-2.json')).toBe('{"url":"https://bucket.example/file?sig=1"}');
});

test('a hop answer that echoes a secret is stored, and read, scrubbed', async () => {
  const { client } = fakeClient({ '/documents/D1': '{"url":"https://bucket.example/f","echo":"tok-SECRET"}' });
  const c = context(client, { reportDocumentId: 'D1' });
  await resolveHops({ url: 'response.url', resolve: [{ value: 'response.reportDocumentId', request: { path: '/documents/${value}' } }] }, c);
  expect(await store.getText('raw/run/report/resolve-1.json')).toBe('{"url":"https://bucket.example/f","echo":"[scrubbed]"}');
  expect(c.scope.evaluate('response.echo', 'test')).toBe('[scrubbed]');
});

test.each([
  ['absent', {}, 'undefined'],
  ['null', { reportDocumentId: null }, 'null'],
  ['empty', { reportDocumentId: '' }, 'an empty string'],
])('a value that is %s fails as data naming the hop, and no call is made', async (_label, lastPoll, said) => {
  const { client, paths } = fakeClient({});
  const failure = await failureOf(resolveHops({ url: 'response.url', resolve: [{ value: 'response.reportDocumentId', request: { path: '/documents/${value}' } }] }, context(client, lastPoll)));
  expect(failure.type).toBe('DataError');
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(`${WHERE}.download.resolve[0].value gave nothing (${said}) from the answer before this hop`);
  expect(paths).toEqual([]);
});

test('an answer that is not JSON fails as data, naming the hop and the call, and stops before the next hop', async () => {
  const { client, paths } = fakeClient({ '/documents/D1': '<html>Service Unavailable</html>' });
  const download = {
    url: 'response.url',
    resolve: [
      { value: 'response.reportDocumentId', request: { path: '/documents/${value}' } },
      { value: 'response.next', request: { path: '/parts/${value}' } },
    ],
  };
  const failure = await failureOf(resolveHops(download, context(client, { reportDocumentId: 'D1' })));
  expect(failure.type).toBe('DataError');
  expect(failure.message).toBe(`${WHERE}.download.resolve[0]: GET /documents/D1 answered 200 with a body that is not JSON (<html>Service Unavailable</html>)`);
  expect(paths).toEqual(['/documents/D1']);
});
