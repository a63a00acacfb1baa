/**
 * VendorZoo: one HTTP server imitating the documented shapes of several real vendor APIs, for
 * integration tests of DIF's config-driven step executor (pagination styles, dependent calls,
 * async report jobs, auth flows). TEST CODE ONLY.
 *
 * Each route group lives in ./zoo/<vendor>.ts with comments citing the documentation it follows.
 * All data is deterministic (derived from the request parameters and the configuration), and each
 * module exports helpers computing the records a client should collect.
 *
 * Common knobs (every route): failNext() scripts faults (429 storms with Retry-After, 500s,
 * malformed bodies, delays, hangs); setLatency() slows a route; `requests` logs what was sent;
 * peakConcurrency() reports overlapping requests per route.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Ctx, type Fault, type RecordedRequest, type Reply, type RouteDef, type RouteName } from './zoo/core';
import { MetaMock, type MetaConfig } from './zoo/meta';
import { GithubMock, type GithubConfig } from './zoo/github';
import { GoogleAdsMock, type GoogleAdsConfig } from './zoo/google-ads';
import { GenericMock, type ListConfig } from './zoo/generic';
import { LinkedinMock, type LinkedinConfig } from './zoo/linkedin';
import { AmazonMock, type AmazonConfig } from './zoo/amazon';
import { AuthMock, type BasicConfig, type OAuthConfig, type SessionConfig } from './zoo/auth';
import { CampaignsMock, type CampaignsConfig } from './zoo/campaigns';

export type { Fault, RecordedRequest, RouteName } from './zoo/core';
export * from './zoo/meta';
export * from './zoo/github';
export * from './zoo/google-ads';
export * from './zoo/generic';
export * from './zoo/linkedin';
export * from './zoo/amazon';
export * from './zoo/auth';
export * from './zoo/campaigns';

export interface ZooConfig {
  meta: Partial<MetaConfig>;
  github: Partial<GithubConfig>;
  googleAds: Partial<GoogleAdsConfig>;
  contacts: Partial<ListConfig>;
  orders: Partial<ListConfig>;
  linkedin: Partial<LinkedinConfig>;
  amazon: Partial<AmazonConfig>;
  oauth: Partial<OAuthConfig>;
  session: Partial<SessionConfig>;
  basic: Partial<BasicConfig>;
  campaigns: Partial<CampaignsConfig>;
}

export interface VendorZooOptions extends Partial<ZooConfig> {
  /** Latency added to every request of every route (ms). */
  latencyMs?: number;
}

export class VendorZoo {
  readonly meta = new MetaMock();
  readonly github = new GithubMock();
  readonly googleAds = new GoogleAdsMock();
  readonly generic = new GenericMock();
  readonly linkedin = new LinkedinMock();
  readonly amazon = new AmazonMock();
  readonly auth = new AuthMock();
  readonly campaigns = new CampaignsMock();

  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];

  private readonly routes: RouteDef[];
  private server?: http.Server;
  private base = '';
  private readonly faults = new Map<RouteName | '*', Fault[]>();
  private readonly periodic = new Map<RouteName | '*', { every: number; fault: Fault; seen: number }>();
  private readonly latency = new Map<RouteName | '*', number>();
  private readonly inFlight = new Map<RouteName, number>();
  private readonly peaks = new Map<RouteName, number>();
  private totalInFlight = 0;
  private totalPeak = 0;
  private keyOf?: (request: RecordedRequest) => string | undefined;
  private readonly inFlightByKey = new Map<string, number>();
  private readonly peaksByKey = new Map<string, number>();
  private readonly hanging = new Set<http.ServerResponse>();
  private clockOffsetMs = 0;

  constructor(options: VendorZooOptions = {}) {
    this.routes = [
      ...this.meta.routes(),
      ...this.github.routes(),
      ...this.googleAds.routes(),
      ...this.generic.routes(),
      ...this.linkedin.routes(),
      ...this.amazon.routes(),
      ...this.auth.routes(),
      ...this.campaigns.routes(),
    ];
    const { latencyMs, ...config } = options;
    if (latencyMs) this.latency.set('*', latencyMs);
    this.configure(config);
  }

  /** Merge settings into the route groups; unspecified settings keep their current values. */
  configure(config: Partial<ZooConfig>): void {
    if (config.meta) Object.assign(this.meta.config, config.meta);
    if (config.github) Object.assign(this.github.config, config.github);
    if (config.googleAds) Object.assign(this.googleAds.config, config.googleAds);
    if (config.contacts) Object.assign(this.generic.contacts, config.contacts);
    if (config.orders) Object.assign(this.generic.orders, config.orders);
    if (config.linkedin) Object.assign(this.linkedin.config, config.linkedin);
    if (config.amazon) Object.assign(this.amazon.config, config.amazon);
    if (config.oauth) {
      Object.assign(this.auth.oauth, config.oauth);
      if (config.oauth.refreshToken) this.auth.setRefreshToken(config.oauth.refreshToken);
    }
    if (config.session) Object.assign(this.auth.session, config.session);
    if (config.basic) Object.assign(this.auth.basic, config.basic);
    if (config.campaigns) Object.assign(this.campaigns.config, config.campaigns);
  }

  /**
   * The next `count` requests of `route` ('*' = any route, used after route-specific faults) get
   * this answer instead of data. {delayMs} alone only delays; {hang:true} never answers.
   */
  failNext(route: RouteName | '*', count: number, fault: Fault): void {
    const list = this.faults.get(route) ?? [];
    for (let i = 0; i < count; i++) list.push(fault);
    this.faults.set(route, list);
  }

  /**
   * Every `every`-th request of `route` ('*' = counted over all routes) gets this answer, until
   * cleared with every = 0: a vendor that throttles one request in five. Scripted faults
   * (failNext) come first and are counted too.
   */
  failEvery(route: RouteName | '*', every: number, fault: Fault): void {
    if (every > 0) this.periodic.set(route, { every, fault, seen: 0 });
    else this.periodic.delete(route);
  }

  /** Extra latency (ms) for every request of `route` ('*' = all routes). 0 removes it. */
  setLatency(route: RouteName | '*', ms: number): void {
    if (ms > 0) this.latency.set(route, ms);
    else this.latency.delete(route);
  }

  /** Requests of one route. */
  requestsFor(route: RouteName): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Highest number of simultaneous requests seen on `route` (or over all routes). */
  peakConcurrency(route?: RouteName): number {
    return route ? (this.peaks.get(route) ?? 0) : this.totalPeak;
  }

  /**
   * Also count requests in flight per key that `keyOf` names for each request (the account a
   * request is made for, when a semaphore's limit is per account); undefined counts nowhere.
   */
  countInFlightBy(keyOf: (request: RecordedRequest) => string | undefined): void {
    this.keyOf = keyOf;
  }

  /** Highest number of simultaneous requests seen per key of countInFlightBy. */
  peakConcurrencyByKey(): Map<string, number> {
    return new Map(this.peaksByKey);
  }

  /** Move the zoo's clock forward (token expiry, report timestamps) without waiting. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Forget requests, peaks and scripted faults (configuration, jobs and tokens stay). */
  resetLog(): void {
    this.requests.length = 0;
    this.peaks.clear();
    this.peaksByKey.clear();
    this.totalPeak = 0;
    this.faults.clear();
    this.periodic.clear();
  }

  get baseUrl(): string {
    return this.base;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.base = `http://${host}:${address.port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private match(method: string, path: string): { route: RouteDef; m: RegExpExecArray } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return { route, m };
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base || 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const parsedBody = parseBody(body, String(req.headers['content-type'] ?? ''));
    const found = this.match(method, url.pathname);
    const name: RouteName = found?.route.name ?? 'unknown';
    const recorded: RecordedRequest = {
      route: name,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search.replace(/^\?/, ''),
      headers: req.headers,
      body,
      parsedBody,
      at: Date.now(),
    };
    this.requests.push(recorded);
    this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
    this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, this.inFlight.get(name)!));
    this.totalInFlight++;
    this.totalPeak = Math.max(this.totalPeak, this.totalInFlight);
    const key = this.keyOf?.(recorded);
    if (key !== undefined) {
      const now = (this.inFlightByKey.get(key) ?? 0) + 1;
      this.inFlightByKey.set(key, now);
      this.peaksByKey.set(key, Math.max(this.peaksByKey.get(key) ?? 0, now));
    }
    // In flight until the answer is sent or the connection is gone (a client that gave up on a slow body).
    res.once('close', () => this.release(name, key));
    const latency = (this.latency.get(name) ?? 0) + (this.latency.get('*') ?? 0);
    if (latency > 0) await sleep(latency);
    const fault = this.takeFault(name);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.hang) {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault.status !== undefined) {
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(fault.headers ?? {}) };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        if (fault.retryAfterDateInMs !== undefined) headers['retry-after'] = new Date(Date.now() + fault.retryAfterDateInMs).toUTCString();
        await send(res, { status: fault.status, headers, raw: fault.body ?? JSON.stringify({ error: { code: fault.status, message: 'scripted failure' } }) }, fault);
        return;
      }
    }
    let reply: Reply;
    if (!found) {
      reply = { status: 404, json: { error: { code: 404, message: `no route ${method} ${url.pathname}` } } };
    } else {
      const ctx: Ctx = { baseUrl: this.base, req, url, body, parsedBody, now: () => this.now() };
      try {
        reply = await found.route.handle(ctx, found.m);
      } catch (e) {
        reply = { status: 500, json: { error: { code: 500, message: e instanceof Error ? e.message : String(e) } } };
      }
    }
    await send(res, reply, fault);
  }

  private release(name: RouteName, key: string | undefined): void {
    this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
    this.totalInFlight--;
    if (key !== undefined) this.inFlightByKey.set(key, (this.inFlightByKey.get(key) ?? 1) - 1);
  }

  private takeFault(name: RouteName): Fault | undefined {
    // Every request counts towards the periodic faults, whatever answers it.
    const due = [this.periodic.get(name), this.periodic.get('*')].map((p) => (p && ++p.seen % p.every === 0 ? p.fault : undefined));
    const own = this.faults.get(name);
    if (own && own.length > 0) return own.shift();
    const any = this.faults.get('*');
    if (any && any.length > 0) return any.shift();
    return due[0] ?? due[1];
  }
}

async function send(res: http.ServerResponse, reply: Reply, wire: Pick<Fault, 'bom' | 'cut' | 'stallMs'> = {}): Promise<void> {
  const headers: http.OutgoingHttpHeaders = { ...(reply.headers ?? {}) };
  let payload: string | Buffer = '';
  if (reply.raw !== undefined) payload = reply.raw;
  else if (reply.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    payload = JSON.stringify(reply.json);
  }
  let bytes = Buffer.from(payload);
  if (wire.bom) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  if (!wire.cut && !wire.stallMs) {
    res.writeHead(reply.status, headers).end(bytes);
    return;
  }
  // The whole length announced, half of it sent: the client is mid-body when the rest is late or never comes.
  const half = Math.max(1, Math.floor(bytes.length / 2));
  res.writeHead(reply.status, { ...headers, 'content-length': bytes.length });
  await new Promise<void>((resolve) => res.write(bytes.subarray(0, half), () => resolve()));
  if (wire.cut) {
    res.socket?.resetAndDestroy();
    return;
  }
  await sleep(wire.stallMs!);
  if (!res.destroyed) res.end(bytes.subarray(half));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(body: string, contentType: string): unknown {
  if (body === '') return undefined;
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
