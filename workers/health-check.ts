/**
 * The container's health command: asks this container's worker (DIF's or the clean room's)
 * for /healthz on DIF_METRICS_PORT and exits 0 when it answers 200, 1 otherwise.
 *   node dist/workers/health-check.js
 * Liveness only: a worker whose services are down keeps running (Temporal retries its
 * activities), so restarting it would not help and the check does not probe them.
 */
import http from 'node:http';

const TIMEOUT_MS = 3000;

export function checkHealth(port: number, host = '127.0.0.1'): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/healthz', timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ ok: res.statusCode === 200, detail: `${res.statusCode} ${body.trim()}` }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
  });
}

if (require.main === module) {
  const port = Number(process.env.DIF_METRICS_PORT);
  if (!process.env.DIF_METRICS_PORT || !Number.isInteger(port) || port < 1) {
    console.error('dif health-check: set DIF_METRICS_PORT to the port the worker serves /metrics and /healthz on');
    process.exit(1);
  }
  void checkHealth(port).then(({ ok, detail }) => {
    console.log(`dif health-check: ${ok ? 'healthy' : 'unhealthy'} (${detail})`);
    process.exit(ok ? 0 : 1);
  });
}
