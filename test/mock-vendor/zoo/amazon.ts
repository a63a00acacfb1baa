/**
 * Amazon Ads API, reporting version 3 (asynchronous reports):
 *   POST   /reporting/reports              -> {"reportId","status":"PENDING",...}
 *   GET    /reporting/reports/{reportId}   -> status PENDING | PROCESSING | COMPLETED | FAILED; url when COMPLETED
 *   GET    <url>                           -> gzip-compressed JSON array of rows (format GZIP_JSON)
 *   DELETE /reporting/reports/{reportId}   -> cancels a pending report
 *
 * Shapes follow:
 *  - Amazon Ads reporting v3 docs ("Reporting v3 overview" / "Get started"), as summarised by the
 *    "Create an Async Report Request" and "Get an Async Report's Generation Status" pages
 *    (withone.ai Amazon Ads knowledge pages, mirroring advertising.amazon.com/API/docs): body
 *    {name, startDate, endDate, configuration:{adProduct, groupBy, columns, reportTypeId, timeUnit, format}};
 *    headers Amazon-Advertising-API-ClientId, Amazon-Advertising-API-Scope, Authorization: Bearer;
 *    "When status becomes COMPLETED, the report can be downloaded from the returned url";
 *    polling too often may give 429.
 *  - The report object's fields (reportId, name, status, startDate, endDate, configuration,
 *    createdAt, updatedAt, generatedAt, url, urlExpiresAt, fileSize, failureReason) follow the v3
 *    AsyncReport schema.
 *  - Duplicate requests: Amazon answers HTTP 425 {"code":"425","detail":"The Request is a duplicate of : <reportId>"}
 *    when an identical report is still being generated (seen in several public client code bases
 *    handling it; documented by Amazon as the duplicate-report response).
 *  - DELETE: Amazon documents it as deleting/cancelling a report in PENDING status. The status a
 *    cancelled report shows afterwards was NOT found in the docs searched; this mock reports
 *    "CANCELLED" (and 404 would be equally plausible for the real API).
 * Error bodies use Amazon's {"code","details"} shape.
 */
import zlib from 'node:zlib';
import { type Ctx, type Reply, type RouteDef, bearer, datesBetween, hash32, header, isIsoDate, json } from './core';

export type AmazonStatus = 'PENDING' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface AmazonConfig {
  clientId: string;
  accessToken: string;
  /** Required value of Amazon-Advertising-API-Scope; undefined = any non-empty value. */
  scope?: string;
  /** Status GETs answered PENDING/PROCESSING before COMPLETED (1st poll PENDING, later PROCESSING). */
  pollsBeforeComplete: number;
  /** Campaigns per day in every report. */
  campaigns: number;
  /** Answer 425 when an identical report (same body) is still PENDING/PROCESSING. */
  duplicate425: boolean;
  /** Every job stays PENDING/PROCESSING forever. */
  neverFinish: boolean;
  /** The next N submitted jobs end FAILED instead of COMPLETED. */
  failNextJobs: number;
  /** failureReason of failed jobs. */
  failureReason: string;
}

export const AMAZON_DEFAULTS: AmazonConfig = {
  clientId: 'amzn-client',
  accessToken: 'amazon-token',
  pollsBeforeComplete: 2,
  campaigns: 3,
  duplicate425: true,
  neverFinish: false,
  failNextJobs: 0,
  failureReason: 'Report generation failed due to an internal error.',
};

export interface AmazonJob {
  reportId: string;
  name: string;
  startDate: string;
  endDate: string;
  configuration: { adProduct?: string; groupBy?: string[]; columns?: string[]; reportTypeId?: string; timeUnit?: string; format?: string; [k: string]: unknown };
  status: AmazonStatus;
  polls: number;
  willFail: boolean;
  neverFinish: boolean;
  createdAt: string;
  updatedAt: string;
  bodyKey: string;
  downloads: number;
}

export interface AmazonRow {
  date: string;
  campaignId: number;
  campaignName: string;
  impressions: number;
  clicks: number;
  cost: number;
  [column: string]: unknown;
}

/** Full row for campaign number `campaign` (1-based) on `date`. */
export function amazonRow(campaign: number, date: string): AmazonRow {
  const h = hash32(`amzn|${campaign}|${date}`);
  const impressions = 300 + (h % 30_000);
  return {
    date,
    campaignId: 300_000_000_000 + campaign,
    campaignName: `SP Campaign ${campaign}`,
    impressions,
    clicks: Math.floor((impressions * (1 + ((h >>> 10) % 50))) / 1000),
    cost: Number(((50 + ((h >>> 6) % 20_000)) / 100).toFixed(2)),
  };
}

/**
 * Rows of a COMPLETED report: for DAILY, campaign-major then date; for SUMMARY, one row per
 * campaign with startDate/endDate instead of date. Only the requested `columns` (when given;
 * unknown columns come back as null).
 */
export function expectedAmazonRows(startDate: string, endDate: string, columns?: string[], campaigns = AMAZON_DEFAULTS.campaigns, timeUnit = 'DAILY'): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let c = 1; c <= campaigns; c++) {
    if (timeUnit === 'SUMMARY') {
      const days = datesBetween(startDate, endDate).map((d) => amazonRow(c, d));
      const sum: Record<string, unknown> = {
        startDate,
        endDate,
        campaignId: days[0]?.campaignId ?? 300_000_000_000 + c,
        campaignName: `SP Campaign ${c}`,
        impressions: days.reduce((a, r) => a + r.impressions, 0),
        clicks: days.reduce((a, r) => a + r.clicks, 0),
        cost: Number(days.reduce((a, r) => a + r.cost, 0).toFixed(2)),
      };
      out.push(pick(sum, columns));
    } else {
      for (const d of datesBetween(startDate, endDate)) out.push(pick(amazonRow(c, d), columns));
    }
  }
  return out;
}

function pick(row: Record<string, unknown>, columns?: string[]): Record<string, unknown> {
  if (!columns || columns.length === 0) return { ...row };
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = c in row ? row[c] : null;
  return out;
}

function amznError(status: number, code: string, details: string): Reply {
  return json(status, { code, details });
}

export class AmazonMock {
  config: AmazonConfig = { ...AMAZON_DEFAULTS };
  readonly jobs = new Map<string, AmazonJob>();
  /** Accepted submits (200) per "name|startDate|endDate". */
  readonly submits = new Map<string, number>();
  /** 425 duplicate answers per "name|startDate|endDate". */
  readonly duplicates = new Map<string, number>();
  private seq = 0;

  routes(): RouteDef[] {
    return [
      { name: 'amazon.createReport', method: 'POST', pattern: /^\/reporting\/reports$/, handle: (ctx) => this.guard(ctx) ?? this.create(ctx) },
      { name: 'amazon.getReport', method: 'GET', pattern: /^\/reporting\/reports\/([^/]+)$/, handle: (ctx, m) => this.guard(ctx) ?? this.status(ctx, m[1]) },
      { name: 'amazon.deleteReport', method: 'DELETE', pattern: /^\/reporting\/reports\/([^/]+)$/, handle: (ctx, m) => this.guard(ctx) ?? this.remove(ctx, m[1]) },
      { name: 'amazon.download', method: 'GET', pattern: /^\/amazon-report-files\/([^/]+)\.json\.gz$/, handle: (ctx, m) => this.download(ctx, m[1]) },
    ];
  }

  /** Submits accepted for (name, startDate, endDate). */
  submitCount(name: string, startDate: string, endDate: string): number {
    return this.submits.get(`${name}|${startDate}|${endDate}`) ?? 0;
  }

  private guard(ctx: Ctx): Reply | undefined {
    if (bearer(ctx.req) !== this.config.accessToken) return amznError(401, 'UNAUTHORIZED', 'Not authorized to access this advertiser');
    if (header(ctx.req, 'amazon-advertising-api-clientid') !== this.config.clientId) return amznError(401, 'UNAUTHORIZED', 'Invalid Amazon-Advertising-API-ClientId');
    const scope = header(ctx.req, 'amazon-advertising-api-scope');
    if (!scope || (this.config.scope !== undefined && scope !== this.config.scope)) return amznError(401, 'UNAUTHORIZED', 'Invalid or missing Amazon-Advertising-API-Scope');
    return undefined;
  }

  private view(ctx: Ctx, job: AmazonJob): Record<string, unknown> {
    const done = job.status === 'COMPLETED';
    return {
      reportId: job.reportId,
      name: job.name,
      status: job.status,
      startDate: job.startDate,
      endDate: job.endDate,
      configuration: job.configuration,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
      generatedAt: done ? job.updatedAt : null,
      url: done ? `${ctx.baseUrl}/amazon-report-files/${job.reportId}.json.gz` : null,
      urlExpiresAt: done ? new Date(ctx.now() + 3_600_000).toISOString() : null,
      fileSize: done ? this.file(job).length : null,
      failureReason: job.status === 'FAILED' ? this.config.failureReason : null,
    };
  }

  private create(ctx: Ctx): Reply {
    const body = ctx.parsedBody as Partial<AmazonJob> | undefined;
    const cfg = body?.configuration;
    if (!body || typeof body.name !== 'string' || !isIsoDate(body.startDate) || !isIsoDate(body.endDate) || body.endDate < body.startDate || !cfg || typeof cfg !== 'object') {
      return amznError(400, 'INVALID_ARGUMENT', 'name, startDate, endDate (YYYY-MM-DD) and configuration are required');
    }
    if (!cfg.reportTypeId || !cfg.adProduct || !Array.isArray(cfg.columns) || !cfg.timeUnit) {
      return amznError(400, 'INVALID_ARGUMENT', 'configuration.adProduct, reportTypeId, columns and timeUnit are required');
    }
    if (cfg.format !== undefined && cfg.format !== 'GZIP_JSON') return amznError(400, 'INVALID_ARGUMENT', 'configuration.format must be GZIP_JSON');
    const key = `${body.name}|${body.startDate}|${body.endDate}`;
    const bodyKey = JSON.stringify([body.name, body.startDate, body.endDate, cfg]);
    if (this.config.duplicate425) {
      for (const job of this.jobs.values()) {
        if (job.bodyKey === bodyKey && (job.status === 'PENDING' || job.status === 'PROCESSING')) {
          this.duplicates.set(key, (this.duplicates.get(key) ?? 0) + 1);
          return json(425, { code: '425', detail: `The Request is a duplicate of : ${job.reportId}` });
        }
      }
    }
    this.seq++;
    const now = new Date(ctx.now()).toISOString();
    const job: AmazonJob = {
      reportId: `00000000-0000-4000-8000-${String(this.seq).padStart(12, '0')}`,
      name: body.name,
      startDate: body.startDate,
      endDate: body.endDate,
      configuration: { format: 'GZIP_JSON', ...cfg },
      status: 'PENDING',
      polls: 0,
      willFail: this.config.failNextJobs > 0,
      neverFinish: this.config.neverFinish,
      createdAt: now,
      updatedAt: now,
      bodyKey,
      downloads: 0,
    };
    if (job.willFail) this.config.failNextJobs--;
    this.jobs.set(job.reportId, job);
    this.submits.set(key, (this.submits.get(key) ?? 0) + 1);
    return json(200, this.view(ctx, job));
  }

  private status(ctx: Ctx, reportId: string): Reply {
    const job = this.jobs.get(reportId);
    if (!job) return amznError(404, 'NOT_FOUND', `Report ${reportId} not found`);
    if (job.status === 'PENDING' || job.status === 'PROCESSING') {
      job.polls++;
      if (!job.neverFinish && job.polls > this.config.pollsBeforeComplete) job.status = job.willFail ? 'FAILED' : 'COMPLETED';
      else job.status = job.polls <= 1 ? 'PENDING' : 'PROCESSING';
      job.updatedAt = new Date(ctx.now()).toISOString();
    }
    return json(200, this.view(ctx, job));
  }

  private remove(ctx: Ctx, reportId: string): Reply {
    const job = this.jobs.get(reportId);
    if (!job) return amznError(404, 'NOT_FOUND', `Report ${reportId} not found`);
    if (job.status !== 'PENDING' && job.status !== 'PROCESSING') return amznError(400, 'INVALID_ARGUMENT', `Report ${reportId} is ${job.status} and cannot be cancelled`);
    job.status = 'CANCELLED';
    job.updatedAt = new Date(ctx.now()).toISOString();
    return json(200, this.view(ctx, job));
  }

  private file(job: AmazonJob): Buffer {
    const rows = expectedAmazonRows(job.startDate, job.endDate, job.configuration.columns, this.config.campaigns, job.configuration.timeUnit);
    return zlib.gzipSync(Buffer.from(JSON.stringify(rows)));
  }

  private download(_ctx: Ctx, reportId: string): Reply {
    const job = this.jobs.get(reportId);
    if (!job || job.status !== 'COMPLETED') return { status: 403, headers: { 'content-type': 'application/xml' }, raw: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' };
    job.downloads++;
    // The real url is a pre-signed S3 URL serving the gzip file as a binary object (no Content-Encoding).
    return { status: 200, headers: { 'content-type': 'application/octet-stream' }, raw: this.file(job) };
  }
}
