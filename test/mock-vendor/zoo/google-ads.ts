/**
 * Google Ads API, GoogleAdsService.Search over REST:
 *   POST /v17/customers/{customerId}/googleAds:search  body {"query": "<GAQL>", "pageToken": "..."}
 *
 * Shapes follow:
 *  - "SearchGoogleAdsResponse" (Google Ads API reference), results[], next_page_token (REST JSON:
 *    nextPageToken) which "is not returned for the last page", field_mask (fieldMask),
 *    https://developers.google.com/google-ads/api/reference/rpc/v21/SearchGoogleAdsResponse
 *  - "SearchGoogleAdsRequest": query, page_token (pageToken); page_size is deprecated and rejected
 *    (PAGE_SIZE_NOT_SUPPORTED): the server fixes the page size (10,000 rows in Google Ads; configurable
 *    here as `pageSize`).
 *  - "Authorization and HTTP headers" (Google Ads API REST), developer-token, login-customer-id
 *    (when calling through a manager account), Authorization: Bearer,
 *    https://developers.google.com/google-ads/api/rest/auth
 *  - Proto3 JSON mapping: int64 fields (campaign.id, metrics.impressions/clicks/costMicros) are strings;
 *    field names are lowerCamelCase (cost_micros -> costMicros); only selected fields come back,
 *    plus the resource name.
 * Error bodies use Google's {"error":{"code","message","status","details":[GoogleAdsFailure]}} shape.
 * Rows: one per campaign per date of `segments.date BETWEEN 'a' AND 'b'` (or one date when absent).
 */
import { type Ctx, type Reply, type RouteDef, bearer, datesBetween, decodeCursor, encodeCursor, hash32, header, isIsoDate, json } from './core';

export interface GoogleAdsConfig {
  developerToken: string;
  accessToken: string;
  /** When set, the login-customer-id header must equal it. */
  loginCustomerId?: string;
  campaigns: number;
  /** Rows per page, fixed by the server. */
  pageSize: number;
  /** Date used when the query has no segments.date condition. */
  defaultDate: string;
}

export const GOOGLE_ADS_DEFAULTS: GoogleAdsConfig = {
  developerToken: 'dev-token',
  accessToken: 'google-token',
  campaigns: 3,
  pageSize: 10_000,
  defaultDate: '2024-01-01',
};

export interface GoogleAdsRow {
  campaign: { resourceName: string; id: string; name: string; status: string };
  metrics: { impressions: string; clicks: string; costMicros: string };
  segments: { date: string };
}

/** Full row for campaign number `campaign` (1-based) on `date`. */
export function googleAdsRow(customerId: string, campaign: number, date: string): GoogleAdsRow {
  const id = String(17_000_000_000 + campaign);
  const h = hash32(`gads|${customerId}|${campaign}|${date}`);
  const impressions = 500 + (h % 20_000);
  const clicks = Math.floor((impressions * (1 + ((h >>> 12) % 60))) / 1000);
  return {
    campaign: { resourceName: `customers/${customerId}/campaigns/${id}`, id, name: `Search Campaign ${campaign}`, status: 'ENABLED' },
    metrics: { impressions: String(impressions), clicks: String(clicks), costMicros: String(10_000 * (100 + ((h >>> 3) % 90_000))) },
    segments: { date },
  };
}

/** Rows the mock returns for the query, in order: campaign-major, then date. */
export function expectedGoogleAdsRows(customerId: string, since: string, until: string, campaigns = GOOGLE_ADS_DEFAULTS.campaigns, selectFields?: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const dates = datesBetween(since, until);
  for (let c = 1; c <= campaigns; c++) for (const d of dates) out.push(selectRow(googleAdsRow(customerId, c, d), selectFields));
  return out;
}

/** snake_case GAQL path -> lowerCamelCase JSON path. */
export function gaqlToJsonPath(field: string): string {
  return field.split('.').map((part) => part.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())).join('.');
}

function selectRow(row: GoogleAdsRow, selectFields?: string[]): Record<string, unknown> {
  if (!selectFields || selectFields.length === 0) return JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
  const out: Record<string, Record<string, unknown>> = {};
  const src = row as unknown as Record<string, Record<string, unknown>>;
  for (const f of selectFields) {
    const [resource, field] = gaqlToJsonPath(f).split('.');
    if (!src[resource] || !(field in src[resource])) continue;
    out[resource] ??= {};
    out[resource][field] = src[resource][field];
  }
  if (out.campaign) out.campaign = { resourceName: row.campaign.resourceName, ...out.campaign };
  return out;
}

/** Parses SELECT fields and the segments.date condition of a GAQL query. */
export function parseGaql(query: string): { fields: string[]; since?: string; until?: string; from?: string } {
  const select = /select\s+([\s\S]+?)\s+from\s+(\w+)/i.exec(query);
  const fields = select ? select[1].split(',').map((f) => f.trim()).filter(Boolean) : [];
  const between = /segments\.date\s+between\s+'([^']+)'\s+and\s+'([^']+)'/i.exec(query);
  if (between) return { fields, from: select?.[2], since: between[1], until: between[2] };
  const eq = /segments\.date\s*=\s*'([^']+)'/i.exec(query);
  if (eq) return { fields, from: select?.[2], since: eq[1], until: eq[1] };
  const ge = /segments\.date\s*>=\s*'([^']+)'/i.exec(query);
  const le = /segments\.date\s*<=\s*'([^']+)'/i.exec(query);
  return { fields, from: select?.[2], since: ge?.[1], until: le?.[1] };
}

function googleError(status: number, grpcStatus: string, message: string, errorCode?: Record<string, string>): Reply {
  const details = errorCode
    ? [{ '@type': 'type.googleapis.com/google.ads.googleads.v17.errors.GoogleAdsFailure', errors: [{ errorCode, message }], requestId: 'mock-request-id' }]
    : undefined;
  return json(status, { error: { code: status, message, status: grpcStatus, details } });
}

export class GoogleAdsMock {
  config: GoogleAdsConfig = { ...GOOGLE_ADS_DEFAULTS };

  routes(): RouteDef[] {
    return [{ name: 'googleAds.search', method: 'POST', pattern: /^\/(v\d+)\/customers\/(\d+)\/googleAds:search$/, handle: (ctx, m) => this.search(ctx, m[2]) }];
  }

  private search(ctx: Ctx, customerId: string): Reply {
    if (bearer(ctx.req) !== this.config.accessToken) {
      return googleError(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token.', { authenticationError: 'AUTHENTICATION_ERROR' });
    }
    const dev = header(ctx.req, 'developer-token');
    if (!dev) return googleError(401, 'UNAUTHENTICATED', 'The developer token is not on the request.', { authenticationError: 'DEVELOPER_TOKEN_PARAMETER_MISSING' });
    if (dev !== this.config.developerToken) return googleError(403, 'PERMISSION_DENIED', 'The developer token is not valid.', { authorizationError: 'DEVELOPER_TOKEN_NOT_APPROVED' });
    if (this.config.loginCustomerId !== undefined && header(ctx.req, 'login-customer-id') !== this.config.loginCustomerId) {
      return googleError(403, 'PERMISSION_DENIED', "User doesn't have permission to access customer.", { authorizationError: 'USER_PERMISSION_DENIED' });
    }
    const body = ctx.parsedBody as { query?: unknown; pageToken?: unknown; pageSize?: unknown } | undefined;
    if (!body || typeof body.query !== 'string') return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', { queryError: 'BAD_VALUE' });
    if (body.pageSize !== undefined) return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', { requestError: 'PAGE_SIZE_NOT_SUPPORTED' });
    const parsed = parseGaql(body.query);
    const since = parsed.since ?? this.config.defaultDate;
    const until = parsed.until ?? since;
    if (!isIsoDate(since) || !isIsoDate(until) || until < since) {
      return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', { queryError: 'INVALID_VALUE_WITH_BETWEEN_OPERATOR' });
    }
    const dates = datesBetween(since, until);
    const total = this.config.campaigns * dates.length;
    let start = 0;
    if (typeof body.pageToken === 'string' && body.pageToken !== '') {
      const decoded = decodeCursor(body.pageToken);
      const m = decoded ? /^offset:(\d+)$/.exec(decoded) : null;
      if (!m) return googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', { requestError: 'INVALID_PAGE_TOKEN' });
      start = Number(m[1]);
    }
    const end = Math.min(total, start + this.config.pageSize);
    const results: Record<string, unknown>[] = [];
    for (let i = start; i < end; i++) {
      const campaign = Math.floor(i / dates.length) + 1;
      results.push(selectRow(googleAdsRow(customerId, campaign, dates[i % dates.length]), parsed.fields));
    }
    const reply: Record<string, unknown> = {};
    if (results.length > 0) reply.results = results;
    if (end < total) reply.nextPageToken = encodeCursor(`offset:${end}`);
    reply.fieldMask = parsed.fields.map(gaqlToJsonPath).join(',');
    return json(200, reply, { 'request-id': `mock-${customerId}-${start}` });
  }
}
