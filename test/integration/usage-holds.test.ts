/**
 * Against real Redis and a real HTTP server: a request with `auth: "none"` is sent without
 * the vendor's credentials and a step's headers replace the vendor's; a vendor's usage
 * headers near the limit hold the next request of every worker (another VendorClient, as
 * another worker would have) until the reset they give.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import type { ActivityDeps } from '../../activities/deps';
import { VendorClient, readText } from '../../activities/vendor-client';
import type { Signer } from '../../auth/signer';
import { signerFactories } from '../../auth/signer-registry';
import type { VendorConfig } from '../../core/config-schema';
import type { UsageHeadersConfig } from '../../core/usage-headers-grammar';
import { ExpressionScope } from '../../runtime/expression/expression';
import { uniqueName } from '../setup/test-settings';

const redis = new Redis('redis://127.0.0.1:6379/0');
let server: http.Server;
let baseUrl: string;
const received: { at: number; path: string; headers: http.IncomingHttpHeaders }[] = [];
/** The headers the next answers carry. */
let answerHeaders: Record<string, string> = {};
let scope: ExpressionScope;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json', ...answerHeaders }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scope = new ExpressionScope({});
  // The vendor's auth, as a bearer signer would add it.
  const bearer = (): Signer => ({
    prepare: async () => undefined,
    sign: async (request) => {
      request.headers.authorization = 'Bearer vendor-SECRET';
    },
    renew: () => false,
    held: () => ({ values: ['vendor-SECRET'], pairs: [] }),
  });
  jest.spyOn(signerFactories, 'none').mockImplementation(bearer);
});
afterAll(async () => {
  scope.dispose();
  jest.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
  await redis.quit();
});
beforeEach(() => {
  answerHeaders = {};
});

function vendor(usageHeaders?: UsageHeadersConfig): VendorConfig {
  return {
    vendor: uniqueName('usage'),
    title: 'usage test',
    baseUrl,
    auth: { kind: 'none' },
    headers: { Accept: 'application/json', 'X-Trace': 'on' },
    inputs: [],
    semaphore: { limit: 1, scope: 'customer' },
    rateLimit: { requestsPerSecond: 50, usageHeaders },
    streams: {},
  } as unknown as VendorConfig;
}

const worker = (config: VendorConfig) => VendorClient.open({ redis } as unknown as ActivityDeps, config, 'c1');
async function get(client: VendorClient, path: string, extra: Record<string, unknown> = {}) {
  await readText((await client.send({ path, ...extra }, scope, 'test')).body);
  return received.at(-1)!;
}

describe('per-request headers and auth', () => {
  test('auth "none" (a pre-signed URL) sends no Authorization; others do', async () => {
    const client = await worker(vendor());
    expect((await get(client, '/signed')).headers.authorization).toBe('Bearer vendor-SECRET');
    const presigned = await get(client, '', { path: undefined, url: `${baseUrl}/bucket/report.csv?X-Amz-Signature=abc`, auth: 'none' });
    expect(presigned.path).toBe('/bucket/report.csv?X-Amz-Signature=abc');
    expect(presigned.headers).not.toHaveProperty('authorization');
  });

  test('a step’s Accept replaces the vendor’s; null drops a vendor header', async () => {
    const client = await worker(vendor());
    const sent = await get(client, '/results', { headers: { Accept: 'text/csv', 'x-trace': null } });
    expect(sent.headers.accept).toBe('text/csv');
    expect(sent.headers).not.toHaveProperty('x-trace');
    expect((await get(client, '/results')).headers).toMatchObject({ accept: 'application/json', 'x-trace': 'on' });
  });
});

describe('usage headers hold every worker', () => {
  const RESET_MS = 800;
  const hubspotAt = (remaining: number) => ({
    'x-hubspot-ratelimit-max': '100',
    'x-hubspot-ratelimit-remaining': String(remaining),
    'x-hubspot-ratelimit-interval-milliseconds': String(RESET_MS),
  });

  test('HubSpot at 95%: the next request, from another worker, waits until the reset', async () => {
    const config = vendor({ formats: ['hubspot'] });
    const [a, b] = [await worker(config), await worker(config)];
    answerHeaders = hubspotAt(5);
    const first = await get(a, '/one');
    answerHeaders = hubspotAt(99);
    const second = await get(b, '/two');
    expect(second.at - first.at).toBeGreaterThanOrEqual(RESET_MS - 15);
    expect(second.at - first.at).toBeLessThan(RESET_MS + 500);
  });

  test('HubSpot at 50%: no hold (only the 20 ms of the rate)', async () => {
    const config = vendor({ formats: ['hubspot'] });
    const client = await worker(config);
    answerHeaders = hubspotAt(50);
    const first = await get(client, '/one');
    const second = await get(client, '/two');
    expect(second.at - first.at).toBeLessThan(RESET_MS / 2);
  });

  test('IETF RateLimit-Remaining 0 with Reset 1: held a second', async () => {
    const config = vendor({ formats: ['ietf'] });
    const client = await worker(config);
    answerHeaders = { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' };
    const first = await get(client, '/one');
    answerHeaders = {};
    const second = await get(client, '/two');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1000 - 15);
  });

  test('headers of a format the vendor does not declare are ignored', async () => {
    const config = vendor({ formats: ['meta'] });
    const client = await worker(config);
    answerHeaders = hubspotAt(0);
    const first = await get(client, '/one');
    const second = await get(client, '/two');
    expect(second.at - first.at).toBeLessThan(RESET_MS / 2);
  });
});
