/**
 * LinkedIn Marketing API (versioned /rest endpoints), a dependent chain:
 *   ad accounts -> each account's campaigns -> daily analytics per campaign.
 *
 * Shapes follow:
 *  - "Search for Accounts" examples (LinkedIn Marketing docs / Postman collection):
 *    GET /rest/adAccounts?q=search[&search=(status:(values:List(ACTIVE)),test:false)]&start=0&count=10
 *    -> {"paging":{"start","count","links":[],"total"},"elements":[{"id":<number>,"name","status","test",...}]}
 *  - Campaigns are searched under their account: GET /rest/adAccounts/{id}/adCampaigns?q=search;
 *    each campaign has "account":"urn:li:sponsoredAccount:{id}". Paged here with start/count like
 *    the account search (newer LinkedIn versions also offer pageSize/pageToken; not imitated).
 *  - "Reporting" (ads-reporting), https://learn.microsoft.com/en-us/linkedin/marketing/integrations/ads-reporting/ads-reporting :
 *    GET /rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY
 *      &dateRange=(start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:31))
 *      &campaigns=List(urn%3Ali%3AsponsoredCampaign%3A123)
 *    -> {"elements":[{"dateRange":{"start":{"year","month","day"},"end":{...}},"impressions","clicks",
 *        "costInLocalCurrency":"12.34","pivotValues":["urn:li:sponsoredCampaign:123"]}],"paging":{...}}
 *    adAnalytics "does not support pagination" (one response). Rest.li 2.0 syntax: List(...) and
 *    (key:value) records, URNs URL-encoded inside. Headers LinkedIn-Version: YYYYMM and
 *    X-Restli-Protocol-Version: 2.0.0 are sent on every request.
 * Parsing here is tolerant (encoded or not); every analytics call is recorded in `analyticsCalls`.
 * Error bodies use LinkedIn's {"status","code","message"} shape; the exact codes for a missing
 * version header are not verified.
 */
import { type Ctx, type Reply, type RouteDef, bearer, datesBetween, hash32, header, intParam, isIsoDate, json } from './core';

export interface LinkedinConfig {
  accessToken: string;
  accounts: number;
  campaignsPerAccount: number;
  /** `count` when the request has none. */
  defaultCount: number;
  /** Required values; undefined = any non-empty value. */
  version?: string;
}

export const LINKEDIN_DEFAULTS: LinkedinConfig = { accessToken: 'linkedin-token', accounts: 2, campaignsPerAccount: 3, defaultCount: 10 };

export interface LinkedinAccount {
  id: number;
  name: string;
  status: string;
  type: string;
  currency: string;
  reference: string;
  test: boolean;
}

export interface LinkedinCampaign {
  id: number;
  name: string;
  account: string;
  status: string;
  type: string;
}

export interface LinkedinDate {
  year: number;
  month: number;
  day: number;
}

export interface LinkedinAnalyticsElement {
  dateRange: { start: LinkedinDate; end: LinkedinDate };
  impressions: number;
  clicks: number;
  costInLocalCurrency: string;
  pivotValues: string[];
}

export interface LinkedinAnalyticsCall {
  q: string | null;
  pivot: string | null;
  timeGranularity: string | null;
  dateRange: { start: string; end?: string } | null;
  campaigns: number[];
  accounts: number[];
  fields: string | null;
  rawQuery: string;
}

export function linkedinAccountId(index: number): number {
  return 500_000_000 + index + 1;
}

export function linkedinCampaignId(accountIndex: number, campaignIndex: number): number {
  return 600_000_000 + (accountIndex + 1) * 1000 + campaignIndex + 1;
}

export function linkedinAccount(index: number): LinkedinAccount {
  return { id: linkedinAccountId(index), name: `LinkedIn Account ${index + 1}`, status: 'ACTIVE', type: 'BUSINESS', currency: 'USD', reference: `urn:li:organization:${900 + index}`, test: false };
}

export function linkedinCampaign(accountIndex: number, campaignIndex: number): LinkedinCampaign {
  return {
    id: linkedinCampaignId(accountIndex, campaignIndex),
    name: `LI Campaign ${accountIndex + 1}-${campaignIndex + 1}`,
    account: `urn:li:sponsoredAccount:${linkedinAccountId(accountIndex)}`,
    status: 'ACTIVE',
    type: 'SPONSORED_UPDATES',
  };
}

function toLiDate(iso: string): LinkedinDate {
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

/** The element for one campaign over [start, end] (a single day when DAILY). */
export function linkedinAnalyticsElement(campaignId: number, start: string, end: string): LinkedinAnalyticsElement {
  const h = hash32(`li|${campaignId}|${start}|${end}`);
  const impressions = 200 + (h % 8000);
  return {
    dateRange: { start: toLiDate(start), end: toLiDate(end) },
    impressions,
    clicks: Math.floor((impressions * (1 + ((h >>> 9) % 30))) / 1000),
    costInLocalCurrency: ((100 + ((h >>> 5) % 50_000)) / 100).toFixed(2),
    pivotValues: [`urn:li:sponsoredCampaign:${campaignId}`],
  };
}

/** Elements for the given campaigns: DAILY = one per campaign per day, otherwise one per campaign. */
export function expectedLinkedinAnalytics(campaignIds: number[], start: string, end: string, granularity: 'DAILY' | 'ALL' = 'DAILY'): LinkedinAnalyticsElement[] {
  const out: LinkedinAnalyticsElement[] = [];
  for (const id of campaignIds) {
    if (granularity === 'DAILY') for (const d of datesBetween(start, end)) out.push(linkedinAnalyticsElement(id, d, d));
    else out.push(linkedinAnalyticsElement(id, start, end));
  }
  return out;
}

function liError(status: number, code: string, message: string): Reply {
  return json(status, { status, code, message });
}

/** (start:(year:2024,month:1,day:1),end:(year:2024,month:1,day:31)) -> ISO dates. */
export function parseLinkedinDateRange(raw: string | null): { start: string; end?: string } | null {
  if (!raw) return null;
  const part = (name: string): string | undefined => {
    const m = new RegExp(`${name}:\\(([^)]*)\\)`).exec(raw);
    if (!m) return undefined;
    const kv = Object.fromEntries(m[1].split(',').map((p) => p.split(':').map((s) => s.trim())));
    const y = Number(kv.year), mo = Number(kv.month), d = Number(kv.day);
    if (!y || !mo || !d) return undefined;
    return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };
  const start = part('start');
  if (!start) return null;
  return { start, end: part('end') };
}

/** Numeric ids of every urn:li:<kind>:<id> in a (decoded or encoded) List(...) parameter. */
function urnIds(raw: string | null, kind: string): number[] {
  if (!raw) return [];
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    /* keep raw */
  }
  return [...text.matchAll(new RegExp(`urn:li:${kind}:(\\d+)`, 'g'))].map((m) => Number(m[1]));
}

export class LinkedinMock {
  config: LinkedinConfig = { ...LINKEDIN_DEFAULTS };
  readonly analyticsCalls: LinkedinAnalyticsCall[] = [];

  routes(): RouteDef[] {
    return [
      { name: 'linkedin.adAccounts', method: 'GET', pattern: /^\/rest\/adAccounts$/, handle: (ctx) => this.guard(ctx) ?? this.accounts(ctx) },
      { name: 'linkedin.adCampaigns', method: 'GET', pattern: /^\/rest\/adAccounts\/(\d+)\/adCampaigns$/, handle: (ctx, m) => this.guard(ctx) ?? this.campaigns(ctx, Number(m[1])) },
      { name: 'linkedin.adAnalytics', method: 'GET', pattern: /^\/rest\/adAnalytics$/, handle: (ctx) => this.guard(ctx) ?? this.analytics(ctx) },
    ];
  }

  private guard(ctx: Ctx): Reply | undefined {
    if (bearer(ctx.req) !== this.config.accessToken) return liError(401, 'EXPIRED_ACCESS_TOKEN', 'The token used in the request has expired');
    const version = header(ctx.req, 'linkedin-version');
    if (!version || (this.config.version !== undefined && version !== this.config.version)) {
      return liError(426, 'NONEXISTENT_VERSION', `Requested version ${version ?? '(none)'} is not active`);
    }
    if (header(ctx.req, 'x-restli-protocol-version') !== '2.0.0') return liError(400, 'ILLEGAL_ARGUMENT', 'X-Restli-Protocol-Version: 2.0.0 is required');
    return undefined;
  }

  private page<T>(ctx: Ctx, all: T[]): Reply {
    const q = ctx.url.searchParams;
    if (q.get('q') !== 'search') return liError(400, 'ILLEGAL_ARGUMENT', 'q=search is required');
    const start = intParam(q.get('start'), 0);
    const count = intParam(q.get('count'), this.config.defaultCount);
    if (!(start >= 0) || !(count > 0)) return liError(400, 'ILLEGAL_ARGUMENT', 'start must be >= 0 and count > 0');
    return json(200, { paging: { start, count, links: [], total: all.length }, elements: all.slice(start, start + count) });
  }

  private accounts(ctx: Ctx): Reply {
    return this.page(ctx, Array.from({ length: this.config.accounts }, (_, i) => linkedinAccount(i)));
  }

  private campaigns(ctx: Ctx, accountId: number): Reply {
    const index = accountId - linkedinAccountId(0);
    if (index < 0 || index >= this.config.accounts) return liError(404, 'NOT_FOUND', `Ad account ${accountId} not found`);
    return this.page(ctx, Array.from({ length: this.config.campaignsPerAccount }, (_, c) => linkedinCampaign(index, c)));
  }

  private analytics(ctx: Ctx): Reply {
    const q = ctx.url.searchParams;
    const rawQuery = ctx.url.search.replace(/^\?/, '');
    const rawParam = (name: string): string | null => {
      const m = new RegExp(`(?:^|&)${name}=([^&]*)`).exec(rawQuery);
      return m ? m[1] : q.get(name);
    };
    const call: LinkedinAnalyticsCall = {
      q: q.get('q'),
      pivot: q.get('pivot'),
      timeGranularity: q.get('timeGranularity'),
      dateRange: parseLinkedinDateRange(q.get('dateRange')),
      campaigns: urnIds(rawParam('campaigns'), 'sponsoredCampaign'),
      accounts: urnIds(rawParam('accounts'), 'sponsoredAccount'),
      fields: q.get('fields'),
      rawQuery,
    };
    this.analyticsCalls.push(call);
    if (call.q !== 'analytics') return liError(400, 'ILLEGAL_ARGUMENT', 'q=analytics is required');
    if (!call.dateRange || !isIsoDate(call.dateRange.start)) return liError(400, 'ILLEGAL_ARGUMENT', 'dateRange=(start:(year:,month:,day:)) is required');
    const granularity = (call.timeGranularity ?? '').replace(/^\(value:(\w+)\)$/, '$1');
    if (!['DAILY', 'ALL', 'MONTHLY', 'YEARLY'].includes(granularity)) return liError(400, 'ILLEGAL_ARGUMENT', 'timeGranularity must be DAILY, MONTHLY, YEARLY or ALL');
    const end = call.dateRange.end ?? call.dateRange.start;
    let ids = call.campaigns;
    if (ids.length === 0 && call.accounts.length > 0) {
      ids = call.accounts.flatMap((a) => {
        const ai = a - linkedinAccountId(0);
        return ai >= 0 && ai < this.config.accounts ? Array.from({ length: this.config.campaignsPerAccount }, (_, c) => linkedinCampaignId(ai, c)) : [];
      });
    }
    const elements = expectedLinkedinAnalytics(ids, call.dateRange.start, end, granularity === 'DAILY' ? 'DAILY' : 'ALL');
    return json(200, { paging: { start: 0, count: 10, links: [] }, elements });
  }
}
