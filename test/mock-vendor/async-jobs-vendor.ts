/**
 * An asynchronous report vendor that counts the jobs it creates, with switchable misbehaviour,
 * for the submit-at-most-once tests (issue 21, item 4) and the async misbehaviour tests. TEST CODE ONLY.
 * Its API is the common shape of async report APIs (Amazon Ads v3, TikTok, Pinterest):
 *   POST /reports {name, startDate, endDate, clientToken?}    -> {"id","status":"PENDING"}
 *        An `Idempotency-Key` header seen before answers the job it created then (no new job).
 *   GET  /reports?clientToken=T                                -> {"reports":[{"id","clientToken","status"}]}
 *   GET  /reports/{id}                                         -> {"id","status":"PENDING"|"DONE","url"}
 *   GET  /files/{id}.csv.gz                                    -> the report: gzip CSV (date,campaign_id,clicks)
 * Misbehaviour, each taken once per switch (queues of one-shot faults):
 *   submit: 'cut' (the job is created, the answer cut mid-body), 'html' (the job is created, the
 *   answer a gateway's HTML page with 200), 'hang' (the job is created, no answer: the socket
 *   stays open until the test has killed the worker); poll: 'bom' (every poll answer led by a
 *   UTF-8 BOM), 429 with Retry-After; download: 503; the file itself led by a BOM inside the gzip.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

export type SubmitFault = 'cut' | 'html' | 'hang';

export interface AsyncJobsMisbehaviour {
  /** Faults for the next submits, one each. */
  submit: SubmitFault[];
  /** Every poll answer starts with a UTF-8 BOM. */
  bomOnPoll: boolean;
  /** The next N polls answer 429 with `Retry-After: 1`. */
  poll429: number;
  /** The next N downloads answer 503. */
  download503: number;
  /** The CSV file starts with a UTF-8 BOM (inside the gzip). */
  bomInFile: boolean;
}

interface Job {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
  clientToken?: string;
  idempotencyKey?: string;
  polls: number;
}

const NO_MISBEHAVIOUR: AsyncJobsMisbehaviour = { submit: [], bomOnPoll: false, poll429: 0, download503: 0, bomInFile: false };
const GATEWAY_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>upstream answered nothing</body></html>';

/** The rows of a report: two campaigns a day. */
export function asyncJobRows(from: string, to: string): { date: string; campaign_id: string; clicks: number }[] {
  const rows = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
    const date = d.toISOString().slice(0, 10);
    for (const campaign of ['c-1', 'c-2']) rows.push({ date, campaign_id: campaign, clicks: Number(date.slice(8)) * (campaign === 'c-1' ? 10 : 1) });
  }
  return rows;
}

export class AsyncJobsVendor {
  misbehaviour: AsyncJobsMisbehaviour = { ...NO_MISBEHAVIOUR, submit: [] };
  /** Polls a job answers PENDING before DONE. */
  pollsBeforeDone = 1;
  readonly jobs: Job[] = [];
  /** Method and path of every request, in order. */
  readonly requests: string[] = [];
  /** Called when a job is created and its answer is held ('hang'). */
  onHeld?: (job: Job) => void;
  private server?: http.Server;
  private url = '';
  private readonly held: http.ServerResponse[] = [];

  configure(misbehaviour: Partial<AsyncJobsMisbehaviour>): void {
    this.misbehaviour = { ...NO_MISBEHAVIOUR, submit: [], ...misbehaviour };
  }

  /** Jobs created for a report name. */
  created(name: string): number {
    return this.jobs.filter((j) => j.name === name).length;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}`);
    const json = (status: number, value: unknown, prefix = '') => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(prefix + JSON.stringify(value));
    };
    if (req.method === 'POST' && url.pathname === '/reports') return this.submit(req, res, body);
    if (req.method === 'GET' && url.pathname === '/reports') {
      const token = url.searchParams.get('clientToken');
      return json(200, { reports: this.jobs.filter((j) => j.clientToken === token).map((j) => ({ id: j.id, clientToken: j.clientToken, status: this.status(j) })) });
    }
    const poll = /^\/reports\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && poll) {
      const job = this.jobs.find((j) => j.id === poll[1]);
      if (!job) return json(404, { message: `no report ${poll[1]}` });
      if (this.misbehaviour.poll429 > 0) {
        this.misbehaviour.poll429--;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        return void res.end(JSON.stringify({ message: 'Too many requests' }));
      }
      job.polls++;
      const status = this.status(job);
      return json(200, { id: job.id, status, url: status === 'DONE' ? `${this.url}/files/${job.id}.csv.gz` : null }, this.misbehaviour.bomOnPoll ? '\uFEFF' : '');
    }
    const file = /^\/files\/([^/]+)\.csv\.gz$/.exec(url.pathname);
    if (req.method === 'GET' && file) {
      const job = this.jobs.find((j) => j.id === file[1]);
      if (!job) return json(404, { message: 'no such file' });
      if (this.misbehaviour.download503 > 0) {
        this.misbehaviour.download503--;
        res.writeHead(503, { 'content-type': 'text/plain' });
        return void res.end('Service Unavailable');
      }
      const csv = ['date,campaign_id,clicks', ...asyncJobRows(job.startDate, job.endDate).map((r) => `${r.date},${r.campaign_id},${r.clicks}`)].join('\n');
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(zlib.gzipSync(Buffer.from((this.misbehaviour.bomInFile ? '\uFEFF' : '') + csv + '\n')));
    }
    json(404, { message: 'no such route' });
  }

  private status(job: Job): 'PENDING' | 'DONE' {
    return job.polls > this.pollsBeforeDone ? 'DONE' : 'PENDING';
  }

  private submit(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const request = JSON.parse(body) as { name: string; startDate: string; endDate: string; clientToken?: string };
    const key = req.headers['idempotency-key'] as string | undefined;
    const earlier = key ? this.jobs.find((j) => j.idempotencyKey === key) : undefined;
    const job = earlier ?? { id: `job-${this.jobs.length + 1}`, ...request, idempotencyKey: key, polls: 0 };
    if (!earlier) this.jobs.push(job);
    const answer = JSON.stringify({ id: job.id, status: this.status(job) });
    const fault = this.misbehaviour.submit.shift();
    if (fault === 'cut') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
      res.write(answer.slice(0, 5));
      setTimeout(() => res.destroy(), 20);
    } else if (fault === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(GATEWAY_PAGE);
    } else if (fault === 'hang') {
      this.held.push(res);
      this.onHeld?.(job);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    }
  }
}
