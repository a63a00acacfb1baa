/**
 * The status page's HTTP server: GET / (HTML) and GET /status.json (the same snapshot as
 * JSON). Snapshots are shared for a few seconds so several open pages, or a reload storm,
 * cost one read of Temporal, Redis, MySQL and the warehouse.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusSnapshot } from './status';
import { renderStatusPage } from './status-html';

export interface StatusServerOptions {
  port: number;
  host: string;
  /** The page reloads itself this often (seconds). */
  refreshSeconds: number;
  /** A snapshot is reused for this long (ms). */
  cacheMs: number;
  snapshot(): Promise<StatusSnapshot>;
}

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

/** No script may run, nothing may be framed or fetched: the page is text and tables. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  let cached: { at: number; snapshot: Promise<StatusSnapshot> } | undefined;
  const snapshot = () => {
    if (!cached || Date.now() - cached.at > options.cacheMs) {
      const fresh = { at: Date.now(), snapshot: options.snapshot() };
      fresh.snapshot.catch(() => (cached === fresh ? (cached = undefined) : undefined)); // a failed read is not kept
      cached = fresh;
    }
    return cached.snapshot;
  };
  const server = http.createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method !== 'GET' || (path !== '/' && path !== '/status.json')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('not found; the status page is at / and its JSON at /status.json\n');
      return;
    }
    snapshot().then(
      (s) => {
        if (path === '/status.json') res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS }).end(JSON.stringify(s));
        else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS }).end(renderStatusPage(s, options.refreshSeconds));
      },
      (e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end(`status failed: ${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`dif serve cannot listen on ${options.host}:${options.port}: ${e.message} (--port, --host)`)));
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
