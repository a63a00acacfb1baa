/**
 * Serves the worker's metrics at GET /metrics (Prometheus text format), on the port of
 * settings.metrics (DIF_METRICS_PORT; 0 picks a free port, which tests use), and its
 * liveness at GET /healthz (200 while the Temporal worker runs, 503 before and after; the
 * container's HEALTHCHECK, workers/health-check.ts, asks it). Other paths 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registry } from './dif-metrics';
import { beforeScrape } from './hooks';

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Whether the process does its job: the worker's state is RUNNING. Unset: alive as long as it serves. */
export type Liveness = () => boolean;

export async function startMetricsServer(port: number, host = '0.0.0.0', alive: Liveness = () => true): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') {
      const ok = alive();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : 'the worker is not running\n');
      return;
    }
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics, liveness at /healthz\n');
      return;
    }
    void (async () => {
      try {
        await beforeScrape();
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(e as Error).message}\n`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`the metrics server cannot listen on ${host}:${port}: ${e.message} (DIF_METRICS_PORT)`)));
    server.listen(port, host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
