/**
 * A mock of a small marketing API ("Demo Ads"): campaigns with daily spend, impressions and
 * clicks per ad account. TEST CODE ONLY: it stands in for a vendor over real HTTP in the
 * demo, the tests and the benchmarks. Its shapes follow the common pattern of ad APIs
 * (an API key header, a `data` array, errors as {"error": {"code", "message"}}).
 *
 * Knobs let tests script failures (429 storms with Retry-After, 500s, malformed JSON, slow
 * answers) and observe what DIF sent (requests, peak concurrency).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoAdsOptions {
  apiKey: string;
  /** Campaigns per account; records per request = campaigns × days in the window. */
  campaigns?: number;
  /** Artificial latency per request, to make overlapping requests observable. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
}

type Fault = { status: number; body?: string; retryAfter?: string };

const DAY_MS = 86_400_000;

export class DemoAdsServer {
  readonly requests: RecordedRequest[] = [];
  private server?: http.Server;
  private inFlight = 0;
  peakConcurrency = 0;
  private faults: Fault[] = [];

  constructor(private options: DemoAdsOptions) {}

  /** The next `count` requests get this answer instead of data. */
  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  configure(options: Partial<DemoAdsOptions>): void {
    this.options = { ...this.options, ...options };
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
    });
    this.inFlight++;
    this.peakConcurrency = Math.max(this.peakConcurrency, this.inFlight);
    try {
      // unref: a long delay must not keep a test process alive after the server stopped.
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs).unref());
      const fault = this.faults.shift();
      if (fault) {
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        res.writeHead(fault.status, headers).end(fault.body ?? error(fault.status, 'scripted failure'));
        return;
      }
      this.route(url, req, res);
    } finally {
      this.inFlight--;
    }
  }

  private route(url: URL, req: http.IncomingMessage, res: http.ServerResponse): void {
    const json = (status: number, body: string): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (req.headers['x-api-key'] !== this.options.apiKey) return json(401, error(401, 'invalid or missing API key'));
    const match = /^\/v1\/accounts\/([^/]+)\/campaign-stats$/.exec(url.pathname);
    if (!match || req.method !== 'GET') return json(404, error(404, `no route ${req.method} ${url.pathname}`));
    const from = Date.parse(`${url.searchParams.get('start_date')}T00:00:00Z`);
    const to = Date.parse(`${url.searchParams.get('end_date')}T00:00:00Z`);
    if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
      return json(400, error(400, 'start_date and end_date must be dates as YYYY-MM-DD, start_date <= end_date'));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    // Written in chunks, as a large vendor response arrives.
    res.write(`{"account_id":${JSON.stringify(match[1])},"currency":"USD","data":[`);
    const campaigns = this.options.campaigns ?? 5;
    let first = true;
    let batch = '';
    for (let day = from; day <= to; day += DAY_MS) {
      const date = new Date(day).toISOString().slice(0, 10);
      for (let c = 1; c <= campaigns; c++) {
        batch += (first ? '' : ',') + JSON.stringify(demoRecord(match[1], c, date));
        first = false;
        if (batch.length > 64_000) {
          res.write(batch);
          batch = '';
        }
      }
    }
    res.end(`${batch}]}`);
  }
}

/** Deterministic figures, so tests can assert exact values. */
export function demoRecord(account: string, campaign: number, date: string) {
  const dayNumber = Number(date.slice(8, 10));
  const impressions = 1000 * campaign + dayNumber;
  return {
    campaign_id: `${account}-c${campaign}`,
    campaign_name: `Campaign ${campaign}`,
    date,
    spend_micros: (campaign * 1_000_000 + dayNumber * 10_000) * 10,
    impressions,
    clicks: Math.floor(impressions / 50),
  };
}

function error(code: number, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
