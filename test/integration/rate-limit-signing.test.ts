/**
 * The vendor rate limit against real Redis: a request of cost n reserves n slots, and a
 * request is signed only after its wait, so a signature that carries a time (AWS SigV4,
 * an HMAC over a timestamp) is fresh when the vendor receives it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import type { ActivityDeps } from '../../activities/deps';
import { awaitRateLimit } from '../../activities/rate-limit';
import { VendorClient, readText } from '../../activities/vendor-client';
import type { Signer } from '../../auth/signer';
import { signerFactories } from '../../auth/signer-registry';
import type { VendorConfig } from '../../core/config-schema';
import { ExpressionScope } from '../../runtime/expression/expression';
import { uniqueName } from '../setup/test-settings';

const redis = new Redis('redis://127.0.0.1:6379/0');
afterAll(() => redis.quit());

/** A vendor limited to `requestsPerSecond`, under a fresh Redis key (its name is the key). */
function limitedVendor(requestsPerSecond: number, baseUrl = 'http://127.0.0.1:9'): VendorConfig {
  return {
    vendor: uniqueName('rate'),
    title: 'rate test',
    baseUrl,
    auth: { kind: 'none' },
    inputs: [],
    semaphore: { limit: 1, scope: 'account' },
    rateLimit: { requestsPerSecond, scope: 'account' },
    streams: {},
  } as unknown as VendorConfig;
}

/** From before a request of cost `costBefore` (sent at once: the slot is free) until the next request may go. */
async function msUntilNextRequest(config: VendorConfig, costBefore: number): Promise<number> {
  // Taken before the first reservation, whose Redis time is then no earlier: however slow the round trip, the next slot is start + cost × interval or later.
  const start = Date.now();
  await awaitRateLimit(redis, config, 'c1', costBefore);
  await awaitRateLimit(redis, config, 'c1');
  return Date.now() - start;
}

describe('a request of cost n reserves n slots', () => {
  // 2 requests per second: intervals long enough that a loaded CI machine (seen: 215 ms late at 5 per second) cannot blur 3 intervals into 4.
  const INTERVAL_MS = 500;

  test('after a request of cost 3 the next one waits three intervals', async () => {
    const waited = await msUntilNextRequest(limitedVendor(1000 / INTERVAL_MS), 3);
    expect(waited).toBeGreaterThanOrEqual(3 * INTERVAL_MS - 15);
    expect(waited).toBeLessThan(4 * INTERVAL_MS);
  });

  test('after a request of the default cost the next one waits one interval', async () => {
    const waited = await msUntilNextRequest(limitedVendor(1000 / INTERVAL_MS), 1);
    expect(waited).toBeGreaterThanOrEqual(INTERVAL_MS - 15);
    expect(waited).toBeLessThan(2 * INTERVAL_MS);
  });

  test('a cost that is not positive is refused, naming it', async () => {
    await expect(awaitRateLimit(redis, limitedVendor(5), 'c1', 0)).rejects.toThrow(new RangeError("a request's rate-limit cost must be positive, not 0"));
  });
});

describe('a request is signed after its rate-limit wait', () => {
  let server: http.Server;
  let baseUrl: string;
  const received: string[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      received.push(String(req.headers['x-signed-at']));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  afterEach(() => jest.restoreAllMocks());

  /** Signs with the time of signing, as a timestamped HMAC would. */
  const clockSigner = (): Signer => ({
    prepare: async () => undefined,
    sign: async (request) => {
      request.headers['x-signed-at'] = String(Date.now());
    },
    renew: () => false,
    held: () => ({ values: [], pairs: [] }),
  });

  test('the signature is made after the wait, and is the one sent', async () => {
    jest.spyOn(signerFactories, 'none').mockImplementation(clockSigner);
    const config = limitedVendor(2, baseUrl); // 500 ms apart
    const client = await VendorClient.open({ redis } as unknown as ActivityDeps, config, 'c1');
    const scope = new ExpressionScope({}); // made first: starting its engine takes a while
    try {
      const start = Date.now(); // before the slot is taken (see msUntilNextRequest)
      await awaitRateLimit(redis, config, 'c1'); // takes the free slot: the request below waits until start + 500 ms or later
      const response = await client.send({ method: 'GET', path: '/data' }, scope, 'test');
      await readText(response.body);
      const signedAt = Number(received.at(-1));
      expect(signedAt - start).toBeGreaterThanOrEqual(500 - 15);
      expect(signedAt).toBeLessThanOrEqual(Date.now());
    } finally {
      scope.dispose();
    }
  });
});
