/**
 * The liveness the container's HEALTHCHECK asks for: the metrics server's /healthz is 200
 * while the worker runs and 503 otherwise, and workers/health-check.ts turns that (or no
 * answer at all) into healthy or not.
 */
import net from 'node:net';
import { startMetricsServer } from '../../../runtime/metrics/server';
import { checkHealth } from '../../../workers/health-check';

test('/healthz follows the worker state; the health command reads it', async () => {
  let running = false;
  const server = await startMetricsServer(0, '127.0.0.1', () => running);
  try {
    expect(await checkHealth(server.port)).toEqual({ ok: false, detail: '503 the worker is not running' });
    running = true;
    expect(await checkHealth(server.port)).toEqual({ ok: true, detail: '200 ok' });
    expect((await fetch(server.url)).status).toBe(200); // /metrics still served beside it
  } finally {
    await server.close();
  }
});

test('nothing listening is unhealthy, with the reason', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  expect(await checkHealth(port)).toEqual({ ok: false, detail: expect.stringMatching(/ECONNREFUSED/) });
});
