/**
 * Meta Marketing API insights edge, with Graph API cursor-based pagination.
 *
 * Shapes follow:
 *  - "Paginated Results" (Graph API), https://developers.facebook.com/docs/graph-api/results/
 *    {"data":[...],"paging":{"cursors":{"before","after"},"previous","next"}}; `next` is the full
 *    URL of the next page and is absent on the last page; parameters before/after/limit.
 *  - "Ads Insights API" (Meta Marketing API),
 *    https://developers.facebook.com/documentation/ads-commerce/marketing-api/insights :
 *    GET /{version}/act_{ad_account_id}/insights with fields, level,
 *    time_range={"since","until"}; the example response
 *    shows numeric metrics as strings ("impressions":"361324","spend":"5339.5") and every row with
 *    account_id/campaign_id/date_start/date_stop. Without time_increment one row per object covers the whole range.
 *  - Auth: access_token query parameter (or Authorization: Bearer). A bad token is a Graph
 *    OAuthException (code 190). The HTTP status used here (400) is what Graph commonly returns;
 *    not verified against a doc page.
 */
import { type Ctx, type Reply, type RouteDef, bearer, cents, decodeCursor, encodeCursor, hash32, intParam, isIsoDate, json } from './core';

export interface MetaConfig {
  /** Token accepted as access_token / Bearer. */
  accessToken: string;
  /** Rows (campaigns) the insights edge has for any account and range. */
  records: number;
  /** Page size when the request has no `limit`. */
  pageSize: number;
  /** Largest `limit` honoured (larger values are clamped, as Graph does). */
  maxLimit: number;
  /** Range used when the request has no time_range. */
  defaultSince: string;
  defaultUntil: string;
}

export const META_DEFAULTS: MetaConfig = {
  accessToken: 'meta-token',
  records: 60,
  pageSize: 25,
  maxLimit: 500,
  defaultSince: '2024-01-01',
  defaultUntil: '2024-01-30',
};

export interface MetaInsight {
  account_id: string;
  campaign_id: string;
  campaign_name: string;
  date_start: string;
  date_stop: string;
  spend: string;
  impressions: string;
  clicks: string;
}

/** Row `index` (0-based) of act_{account}'s campaign-level insights for [since, until]. */
export function metaInsightRecord(account: string, index: number, since: string, until: string): MetaInsight {
  const h = hash32(`meta|${account}|${index}|${since}|${until}`);
  const impressions = 1000 + (h % 50_000);
  const clicks = Math.floor((impressions * (1 + ((h >>> 16) % 40))) / 1000);
  return {
    account_id: account,
    campaign_id: `2385${String(index + 1).padStart(13, '0')}`,
    campaign_name: `Meta Campaign ${index + 1}`,
    date_start: since,
    date_stop: until,
    spend: cents(100 + ((h >>> 4) % 100_000)),
    impressions: String(impressions),
    clicks: String(clicks),
  };
}

/**
 * All rows the mock serves for act_{account} over [since, until], as the client should collect
 * them, with only the requested `fields` (plus date_start/date_stop, which Graph always adds).
 */
export function expectedMetaInsights(account: string, since: string, until: string, records = META_DEFAULTS.records, fields?: string[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (let i = 0; i < records; i++) rows.push(pickFields(metaInsightRecord(account, i, since, until), fields));
  return rows;
}

function pickFields(row: MetaInsight, fields?: string[]): Record<string, string> {
  const all = row as unknown as Record<string, string>;
  if (!fields || fields.length === 0) return { ...all };
  const out: Record<string, string> = {};
  for (const f of fields) if (f in all) out[f] = all[f];
  out.date_start = row.date_start;
  out.date_stop = row.date_stop;
  return out;
}

function graphError(status: number, code: number, type: string, message: string): Reply {
  return json(status, { error: { message, type, code, fbtrace_id: 'AmockTraceId000' } });
}

export class MetaMock {
  config: MetaConfig = { ...META_DEFAULTS };

  routes(): RouteDef[] {
    return [{ name: 'meta.insights', method: 'GET', pattern: /^\/(v\d+\.\d+)\/act_([^/]+)\/insights$/, handle: (ctx, m) => this.insights(ctx, m[2]) }];
  }

  private insights(ctx: Ctx, account: string): Reply {
    const q = ctx.url.searchParams;
    const token = q.get('access_token') ?? bearer(ctx.req);
    if (token !== this.config.accessToken) {
      return graphError(400, 190, 'OAuthException', 'Invalid OAuth access token - Cannot parse access token');
    }
    const range = parseTimeRange(q) ?? { since: this.config.defaultSince, until: this.config.defaultUntil };
    if (!isIsoDate(range.since) || !isIsoDate(range.until) || range.until < range.since) {
      return graphError(400, 100, 'OAuthException', '(#100) time_range must be {"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}');
    }
    let limit = intParam(q.get('limit'), this.config.pageSize);
    if (!(limit > 0)) return graphError(400, 100, 'OAuthException', '(#100) limit must be a positive integer');
    limit = Math.min(limit, this.config.maxLimit);
    const fields = q.get('fields')?.split(',').map((f) => f.trim()).filter(Boolean);

    const total = this.config.records;
    let start = 0;
    const after = q.get('after');
    const before = q.get('before');
    if (after) {
      const i = Number(decodeCursor(after));
      if (!Number.isInteger(i)) return graphError(400, 100, 'OAuthException', '(#100) Invalid cursor');
      start = i + 1;
    } else if (before) {
      const i = Number(decodeCursor(before));
      if (!Number.isInteger(i)) return graphError(400, 100, 'OAuthException', '(#100) Invalid cursor');
      start = Math.max(0, i - limit);
    }
    const end = Math.min(total, start + limit);
    const data: Record<string, string>[] = [];
    for (let i = start; i < end; i++) data.push(pickFields(metaInsightRecord(account, i, range.since, range.until), fields));
    if (data.length === 0) return json(200, { data: [] });

    const paging: Record<string, unknown> = { cursors: { before: encodeCursor(String(start)), after: encodeCursor(String(end - 1)) } };
    const link = (set: Record<string, string>, drop: string): string => {
      const u = new URL(ctx.url.pathname, ctx.baseUrl);
      for (const [k, v] of q) if (k !== 'after' && k !== 'before') u.searchParams.set(k, v);
      u.searchParams.set('limit', String(limit));
      for (const [k, v] of Object.entries(set)) u.searchParams.set(k, v);
      u.searchParams.delete(drop);
      return u.toString();
    };
    if (start > 0) paging.previous = link({ before: encodeCursor(String(start)) }, 'after');
    if (end < total) paging.next = link({ after: encodeCursor(String(end - 1)) }, 'before');
    return json(200, { data, paging });
  }
}

/** time_range={"since":..,"until":..} (JSON) or time_range[since]=..&time_range[until]=.. */
function parseTimeRange(q: URLSearchParams): { since: string; until: string } | undefined {
  const raw = q.get('time_range');
  if (raw) {
    try {
      const v = JSON.parse(raw) as { since?: unknown; until?: unknown };
      return { since: String(v.since), until: String(v.until) };
    } catch {
      return { since: 'invalid', until: 'invalid' };
    }
  }
  const since = q.get('time_range[since]');
  const until = q.get('time_range[until]');
  if (since || until) return { since: String(since), until: String(until) };
  return undefined;
}
