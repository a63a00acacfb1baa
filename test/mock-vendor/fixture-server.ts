/**
 * FixtureServer: replays a vendor's recorded fixture files over real HTTP, for the contract
 * tests of vendors/<vendor>. Routes are matched in order by method, path and an optional
 * predicate over the request (query, body); a route with `times` serves that many requests
 * and then steps aside, which is how an error fixture is answered once before the normal
 * one. Every request is recorded so tests can check what DIF sent. TEST CODE ONLY.
 *
 * Fixture text may contain `{{baseUrl}}`, replaced by this server's URL, because vendors
 * answer with absolute next-page URLs (Meta paging.next, Shopify Link headers).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { zipOf } from '../setup/zip';

export interface FixtureRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON or as a form, when it is one. */
  json?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** When it arrived (ms since the epoch), for tests of waits between requests. */
  at: number;
}

export interface FixtureRoute {
  method: string;
  /** Exact path, or a pattern tested against the path. */
  path: string | RegExp;
  when?: (request: FixtureRequest) => boolean;
  /** Fixture file name under the fixtures folder. */
  file?: string;
  /** Inline body, when no file. */
  body?: string;
  status?: number;
  headers?: Record<string, string>;
  /** Serve the fixture gzip-compressed, as report files are (the fixture itself stays readable). */
  gzip?: boolean;
  /** Serve the fixture as a zip archive holding it under this entry name (Microsoft Advertising reports). */
  zip?: string;
  /** Serve this route this many times, then let later routes answer. */
  times?: number;
}

export class FixtureServer {
  readonly requests: FixtureRequest[] = [];
  private readonly routes: Array<FixtureRoute & { served: number }> = [];
  private server?: http.Server;
  url = '';

  constructor(private readonly fixturesDir: string) {}

  /** Adds routes; earlier routes win. */
  route(...routes: FixtureRoute[]): this {
    this.routes.push(...routes.map((r) => ({ ...r, served: 0 })));
    return this;
  }

  /** Requests whose path matches. */
  sent(pathPattern: string | RegExp): FixtureRequest[] {
    return this.requests.filter((r) => (typeof pathPattern === 'string' ? r.path === pathPattern : pathPattern.test(r.path)));
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const request: FixtureRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      json: parseBody(body, req.headers['content-type']),
      at: Date.now(),
    };
    this.requests.push(request);
    const route = this.routes.find(
      (r) =>
        r.method === request.method &&
        (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)) &&
        (r.times === undefined || r.served < r.times) &&
        (!r.when || r.when(request)),
    );
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no fixture route for ${request.method} ${request.path}` }));
      return;
    }
    route.served++;
    const text = route.file ? fs.readFileSync(path.join(this.fixturesDir, route.file), 'utf8') : route.body ?? '';
    const headers = Object.fromEntries(Object.entries(route.headers ?? {}).map(([k, v]) => [k, v.replaceAll('{{baseUrl}}', this.url)]));
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...headers });
    const reply = text.replaceAll('{{baseUrl}}', this.url);
    res.end(route.zip ? zipOf({ [route.zip]: reply }) : route.gzip ? gzipSync(reply) : reply);
  }
}

function parseBody(body: string, contentType: string | undefined): unknown {
  if (!body) return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
