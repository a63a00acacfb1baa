/**
 * The vendor client over undici (activities/vendor-http.ts) keeps what global fetch gave it,
 * against real HTTP servers and Redis: a redirect to another origin carries none of the
 * credentials the signer set nor any header holding a secret; a gzip text body is stored
 * decoded and scrubbed of the secrets it echoes; a 401 renews once (its body dropped); error,
 * GraphQL and traced answers are read decoded; the stop signal and `timeoutSeconds` abort a
 * request and its body, which fails as the retryable VendorUnavailable; the request's slot is
 * given back whatever becomes of its body.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import Redis from 'ioredis';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../activities/deps';
import type { HttpExchange } from '../../activities/http-trace';
import { VendorClient, readText } from '../../activities/vendor-client';
import type { Signer } from '../../auth/signer';
import { signerFactories } from '../../auth/signer-registry';
import type { VendorConfig } from '../../core/config-schema';
import { ExpressionScope } from '../../runtime/expression/expression';
import { uniqueName } from '../setup/test-settings';

const SECRET = 'sk_live_VENDORSECRET0123456789';
const redis = new Redis('redis://127.0.0.1:6379/0');
type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;
interface Server {
  base: string;
  seen: http.IncomingHttpHeaders[];
  handle: Handler;
  srv: http.Server;
}
let vendorSide: Server;
let elsewhere: Server;
let scope: ExpressionScope;
let renewals = 0;

async function server(): Promise<Server> {
  const s = { base: '', seen: [], handle: ((_q, res) => res.end('{}')) as Handler } as unknown as Server;
  s.srv = http.createServer((request, response) => {
    s.seen.push(request.headers);
    request.resume();
    request.on('end', () => s.handle(request, response));
  });
  await new Promise<void>((resolve) => s.srv.listen(0, '127.0.0.1', resolve));
  s.base = `http://127.0.0.1:${(s.srv.address() as AddressInfo).port}`;
  return s;
}

beforeAll(async () => {
  vendorSide = await server();
  elsewhere = await server();
  scope = new ExpressionScope({});
  // An API key in a header, as the apiKey signer sets it; renew() answers a 401 once.
  const signer = (): Signer => ({
    prepare: async () => undefined,
    sign: async (request) => {
      request.headers['x-api-key'] = SECRET;
      request.headers.authorization = `Bearer ${SECRET}-token`;
    },
    renew: () => renewals++ === 0,
    held: () => ({ values: [SECRET], pairs: [] }),
  });
  jest.spyOn(signerFactories, 'none').mockImplementation(signer);
});
afterAll(async () => {
  scope.dispose();
  jest.restoreAllMocks();
  for (const s of [vendorSide, elsewhere]) {
    s.srv.closeAllConnections();
    await new Promise((resolve) => s.srv.close(resolve));
  }
  await redis.quit();
});
beforeEach(() => {
  vendorSide.seen.length = 0;
  elsewhere.seen.length = 0;
  renewals = 0;
});

function vendor(extra: Partial<VendorConfig> = {}): VendorConfig {
  return {
    vendor: uniqueName('http'),
    title: 'http test',
    baseUrl: vendorSide.base,
    auth: { kind: 'none' },
    // A vendor header carrying a secret that is not the signer's: not sent to another origin either.
    headers: { 'X-Echo': `tenant ${SECRET}`, 'X-Plain': 'kept' },
    inputs: [],
    semaphore: { limit: 1, scope: 'customer' },
    concurrency: { requests: 2 },
    retry: { perRequest: { maxAttempts: 1 } },
    streams: {},
    ...extra,
  } as unknown as VendorConfig;
}

/** Request slots counted: every one taken is given back. */
function slotsDeps(extra: Partial<ActivityDeps> = {}) {
  const slots = { taken: 0, given: 0 };
  const semaphores = {
    acquire: async () => {
      slots.taken++;
      return { acquired: true };
    },
    release: async () => {
      slots.given++;
    },
  };
  return { deps: { redis, semaphores, ...extra } as unknown as ActivityDeps, slots };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test('a redirect to another origin carries no credential: neither the signer\'s headers nor one holding a secret', async () => {
  vendorSide.handle = (_q, res) => res.writeHead(302, { location: `${elsewhere.base}/file.csv` }).end();
  elsewhere.handle = (_q, res) => res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
  const { deps, slots } = slotsDeps();
  const client = await VendorClient.open(deps, vendor(), 'c1');
  const response = await client.send({ path: '/report' }, scope, 'test');
  expect(await readText(response.body)).toBe('a,b\n1,2\n');
  expect(vendorSide.seen[0]).toMatchObject({ 'x-api-key': SECRET, authorization: `Bearer ${SECRET}-token`, 'x-echo': `tenant ${SECRET}` });
  const sent = elsewhere.seen[0];
  expect(sent['x-api-key']).toBeUndefined();
  expect(sent.authorization).toBeUndefined();
  expect(sent['x-echo']).toBeUndefined();
  expect(sent['x-plain']).toBe('kept');
  expect(JSON.stringify(sent)).not.toContain('VENDORSECRET');
  await settle();
  expect(slots).toEqual({ taken: 1, given: 1 });
});

test('a same-origin redirect keeps them', async () => {
  vendorSide.handle = (q, res) => (q.url === '/report' ? res.writeHead(301, { location: '/moved' }).end() : res.end('{"ok":true}'));
  const client = await VendorClient.open(slotsDeps().deps, vendor(), 'c1');
  await readText((await client.send({ path: '/report' }, scope, 'test')).body);
  expect(vendorSide.seen[1]).toMatchObject({ 'x-api-key': SECRET, authorization: `Bearer ${SECRET}-token` });
});

test('a gzip text body is handed on decoded, and scrubbed of the secret it echoes', async () => {
  const page = JSON.stringify({ data: [{ id: 1 }], paging: { next: `${vendorSide.base}/p?key=${SECRET}` } });
  vendorSide.handle = (_q, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(page));
  const client = await VendorClient.open(slotsDeps().deps, vendor(), 'c1');
  const response = await client.send({ path: '/p' }, scope, 'test');
  expect(vendorSide.seen[0]['accept-encoding']).toBe('gzip, deflate');
  expect(response.headers['content-encoding']).toBeUndefined();
  const stored = await readText(client.scrubbed(response));
  expect(stored).not.toContain(SECRET);
  expect(JSON.parse(stored).data).toEqual([{ id: 1 }]);
});

test('a 401 renews once, its body dropped, the slot given back', async () => {
  let calls = 0;
  vendorSide.handle = (_q, res) => (calls++ === 0 ? res.writeHead(401).end('{"error":"expired"}') : res.end('{"ok":true}'));
  const { deps, slots } = slotsDeps();
  const client = await VendorClient.open(deps, vendor(), 'c1');
  expect(await readText((await client.send({ path: '/me' }, scope, 'test')).body)).toBe('{"ok":true}');
  expect(calls).toBe(2);
  await settle();
  expect(slots).toEqual({ taken: 2, given: 2 });
});

test("an error answer's gzip body is read as text into the failure, scrubbed; a 429's Retry-After sets the wait", async () => {
  vendorSide.handle = (_q, res) =>
    res.writeHead(429, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'retry-after': '3' }).end(zlib.gzipSync(`{"error":"slow down ${SECRET}"}`));
  const { deps, slots } = slotsDeps();
  const client = await VendorClient.open(deps, vendor(), 'c1');
  const error = (await client.send({ path: '/x' }, scope, 'test').catch((e: unknown) => e)) as ApplicationFailure;
  expect(error.type).toBe('VendorThrottled');
  expect(error.message).toContain('slow down');
  expect(error.message).not.toContain(SECRET);
  expect(error.nextRetryDelay).toBeDefined();
  await settle();
  expect(slots).toEqual({ taken: 1, given: 1 });
});

test('a GraphQL answer is read whole, decoded', async () => {
  vendorSide.handle = (_q, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(zlib.brotliCompressSync('\uFEFF{"data":{"n":1}}'));
  const client = await VendorClient.open(slotsDeps().deps, vendor(), 'c1');
  const response = await client.send({ path: '/graphql', graphql: { query: '{ n }' } } as never, scope, 'test');
  expect(JSON.parse(await readText(response.body))).toEqual({ data: { n: 1 } });
});

test('a body that breaks off mid-way fails as a retryable VendorUnavailable, and gives its slot back', async () => {
  vendorSide.handle = (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"data":[');
    setTimeout(() => res.socket?.destroy(), 50);
  };
  const { deps, slots } = slotsDeps();
  const client = await VendorClient.open(deps, vendor(), 'c1');
  const error = (await client.request({ path: '/cut' }, scope, 'test', (response) => readText(response.body)).catch((e: unknown) => e)) as ApplicationFailure;
  expect(error).toBeInstanceOf(ApplicationFailure);
  expect(error.type).toBe('VendorUnavailable');
  expect(error.nonRetryable).toBe(false);
  expect(error.message).toMatch(/^GET \/cut: the answer broke off while it was read: UND_ERR_SOCKET/);
  await settle();
  expect(slots).toEqual({ taken: 1, given: 1 });
});

test('timeoutSeconds aborts a slow body; the stop signal aborts a request waiting for its answer', async () => {
  vendorSide.handle = (_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data":[');
  };
  const slow = slotsDeps();
  const client = await VendorClient.open(slow.deps, vendor({ timeoutSeconds: 0.3 } as Partial<VendorConfig>), 'c1');
  const error = (await client.request({ path: '/slow' }, scope, 'test', (response) => readText(response.body)).catch((e: unknown) => e)) as ApplicationFailure;
  expect(error.type).toBe('VendorUnavailable');
  expect(error.message).toMatch(/broke off while it was read: TimeoutError/);

  vendorSide.handle = () => undefined; // never answers
  const stop = new AbortController();
  const stopped = slotsDeps();
  const held = await VendorClient.open(stopped.deps, vendor(), 'c1', stop.signal);
  setTimeout(() => stop.abort(), 100);
  const aborted = (await held.send({ path: '/never' }, scope, 'test').catch((e: unknown) => e)) as ApplicationFailure;
  expect(aborted.type).toBe('VendorUnavailable');
  expect(aborted.message).toMatch(/failed: AbortError/);
  await settle();
  expect(slow.slots).toEqual({ taken: 1, given: 1 });
  expect(stopped.slots).toEqual({ taken: 1, given: 1 });
});

test('a trace with bodies sees the decoded answer, and the run still reads it', async () => {
  vendorSide.handle = (_q, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(`{"token":"${SECRET}"}`));
  const exchanges: HttpExchange[] = [];
  const client = await VendorClient.open(slotsDeps({ trace: { bodies: true, exchange: (e: HttpExchange) => exchanges.push(e) } } as never).deps, vendor(), 'c1');
  const response = await client.send({ path: '/t' }, scope, 'test');
  expect(await readText(response.body)).toBe(`{"token":"${SECRET}"}`);
  expect(exchanges).toHaveLength(1);
  expect(exchanges[0].status).toBe(200);
  expect(exchanges[0].responseBody).toContain('"token"');
  expect(exchanges[0].responseBody).not.toContain(SECRET);
  expect(exchanges[0].responseHeaders?.['content-encoding']).toBeUndefined();
  expect(JSON.stringify(exchanges[0].headers)).not.toContain(SECRET);
});
