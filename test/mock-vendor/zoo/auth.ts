/**
 * Three authentication styles, each guarding a small paged resource:
 *
 * 1. OAuth 2.0 token endpoint + bearer-protected resource.
 *    Follows RFC 6749 (The OAuth 2.0 Authorization Framework): section 4.4 client_credentials,
 *    section 6 refresh_token (the server MAY issue a new refresh token, "rotation"), section 2.3.1
 *    client authentication by HTTP Basic or client_id/client_secret in the form body, section 5.1
 *    success {"access_token","token_type","expires_in","refresh_token"?}, section 5.2 errors
 *    {"error":"invalid_client"|"invalid_grant"|"unsupported_grant_type"|"invalid_request"}
 *    (401 with WWW-Authenticate when the client used Basic).
 *    The resource follows RFC 6750 (Bearer Token Usage) section 3: 401 with
 *    `WWW-Authenticate: Bearer realm="vendor-zoo", error="invalid_token", error_description="..."` for an
 *    expired/unknown token, and no error attribute when no credentials were sent.
 *    POST /oauth2/token ; GET /oauth/api/reports?page=P -> {"data":[...],"page":P,"total_pages":K}
 *
 * 2. Login session token: POST /session/login {"username","password"} -> {"session_token"};
 *    GET /session/api/data?page=P requires X-Session-Token -> {"data":[...],"page":P,"has_more":bool}.
 *    (A generic pattern, not one vendor's API.)
 *
 * 3. HTTP Basic (RFC 7617): GET /basic/api/stats requires Authorization: Basic; 401 with
 *    `WWW-Authenticate: Basic realm="vendor-zoo"` otherwise -> {"stats":[...]}.
 */
import { type Ctx, type Reply, type RouteDef, basicCredentials, bearer, cents, hash32, intParam, json } from './core';

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  /** A refresh token that is valid from the start (as if obtained by an earlier authorization). */
  refreshToken: string;
  /** Access token lifetime in seconds (expires_in), on the zoo's clock. */
  accessTtlSeconds: number;
  /** Resource requests an access token may serve before it is treated as expired (Infinity = no limit). */
  accessMaxUses: number;
  /** Issue a new refresh token on every refresh and invalidate the old one. */
  rotateRefreshTokens: boolean;
  /** Also return a refresh_token for client_credentials grants (RFC 6749 says SHOULD NOT; default false). */
  refreshOnClientCredentials: boolean;
  records: number;
  pageSize: number;
}

export const OAUTH_DEFAULTS: OAuthConfig = {
  clientId: 'zoo-client',
  clientSecret: 'zoo-secret',
  refreshToken: 'rt-initial',
  accessTtlSeconds: 3600,
  accessMaxUses: Infinity,
  rotateRefreshTokens: false,
  refreshOnClientCredentials: false,
  records: 30,
  pageSize: 10,
};

export interface SessionConfig {
  username: string;
  password: string;
  /** Data requests a session token may serve before it stops working (Infinity = no limit). */
  maxUses: number;
  records: number;
  pageSize: number;
}

export const SESSION_DEFAULTS: SessionConfig = { username: 'zoo-user', password: 'zoo-pass', maxUses: Infinity, records: 25, pageSize: 10 };

export interface BasicConfig {
  username: string;
  password: string;
  records: number;
}

export const BASIC_DEFAULTS: BasicConfig = { username: 'basic-user', password: 'basic-pass', records: 5 };

export interface OAuthReportRow {
  id: number;
  name: string;
  value: string;
}

export function oauthReportRow(index: number): OAuthReportRow {
  return { id: index + 1, name: `Report ${index + 1}`, value: cents(hash32(`oauth|${index}`) % 100_000) };
}

export function sessionDataRow(index: number): { id: string; metric: number } {
  return { id: `row-${index + 1}`, metric: hash32(`session|${index}`) % 1000 };
}

export function basicStatRow(index: number): { day: number; visits: number; signups: number } {
  const h = hash32(`basic|${index}`);
  return { day: index + 1, visits: 100 + (h % 900), signups: h % 50 };
}

export const expectedOAuthReports = (records = OAUTH_DEFAULTS.records) => Array.from({ length: records }, (_, i) => oauthReportRow(i));
export const expectedSessionData = (records = SESSION_DEFAULTS.records) => Array.from({ length: records }, (_, i) => sessionDataRow(i));
export const expectedBasicStats = (records = BASIC_DEFAULTS.records) => Array.from({ length: records }, (_, i) => basicStatRow(i));

interface IssuedToken {
  expiresAt: number;
  uses: number;
  grant: string;
}

export class AuthMock {
  oauth: OAuthConfig = { ...OAUTH_DEFAULTS };
  session: SessionConfig = { ...SESSION_DEFAULTS };
  basic: BasicConfig = { ...BASIC_DEFAULTS };

  readonly accessTokens = new Map<string, IssuedToken>();
  readonly refreshTokens = new Set<string>([OAUTH_DEFAULTS.refreshToken]);
  /** Successful token grants by grant_type. */
  readonly tokenGrants: Record<string, number> = {};
  readonly sessions = new Map<string, { uses: number }>();
  private seq = 0;

  routes(): RouteDef[] {
    return [
      { name: 'oauth.token', method: 'POST', pattern: /^\/oauth2\/token$/, handle: (ctx) => this.token(ctx) },
      { name: 'oauth.reports', method: 'GET', pattern: /^\/oauth\/api\/reports$/, handle: (ctx) => this.reports(ctx) },
      { name: 'session.login', method: 'POST', pattern: /^\/session\/login$/, handle: (ctx) => this.login(ctx) },
      { name: 'session.data', method: 'GET', pattern: /^\/session\/api\/data$/, handle: (ctx) => this.data(ctx) },
      { name: 'basic.stats', method: 'GET', pattern: /^\/basic\/api\/stats$/, handle: (ctx) => this.stats(ctx) },
    ];
  }

  /** Make every issued access token expired (the next resource call gets 401 invalid_token). */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = -Infinity;
  }

  /** Invalidate every session token. */
  expireSessions(): void {
    this.sessions.clear();
  }

  /** Called when configure() changes the initial refresh token. */
  setRefreshToken(token: string): void {
    this.refreshTokens.add(token);
  }

  private token(ctx: Ctx): Reply {
    const ct = String(ctx.req.headers['content-type'] ?? '');
    if (!ct.startsWith('application/x-www-form-urlencoded')) return json(400, { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' });
    const form = new URLSearchParams(ctx.body);
    const basic = basicCredentials(ctx.req);
    const clientId = basic?.user ?? form.get('client_id');
    const clientSecret = basic?.password ?? form.get('client_secret');
    if (clientId !== this.oauth.clientId || clientSecret !== this.oauth.clientSecret) {
      return basic
        ? json(401, { error: 'invalid_client', error_description: 'Client authentication failed' }, { 'www-authenticate': 'Basic realm="vendor-zoo"' })
        : json(400, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const grant = form.get('grant_type');
    let refresh: string | undefined;
    if (grant === 'client_credentials') {
      if (this.oauth.refreshOnClientCredentials) refresh = this.newRefresh();
    } else if (grant === 'refresh_token') {
      const presented = form.get('refresh_token');
      if (!presented) return json(400, { error: 'invalid_request', error_description: 'refresh_token is required' });
      if (!this.refreshTokens.has(presented)) return json(400, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked' });
      if (this.oauth.rotateRefreshTokens) {
        this.refreshTokens.delete(presented);
        refresh = this.newRefresh();
      }
    } else {
      return json(400, { error: 'unsupported_grant_type', error_description: `grant_type ${grant ?? '(none)'} is not supported` });
    }
    this.seq++;
    const access = `at-${this.seq}`;
    this.accessTokens.set(access, { expiresAt: ctx.now() + this.oauth.accessTtlSeconds * 1000, uses: 0, grant });
    this.tokenGrants[grant] = (this.tokenGrants[grant] ?? 0) + 1;
    const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: this.oauth.accessTtlSeconds };
    if (refresh) body.refresh_token = refresh;
    return json(200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  }

  private newRefresh(): string {
    this.seq++;
    const token = `rt-${this.seq}`;
    this.refreshTokens.add(token);
    return token;
  }

  private reports(ctx: Ctx): Reply {
    const token = bearer(ctx.req);
    if (!token) return json(401, { error: 'invalid_request', error_description: 'No access token' }, { 'www-authenticate': 'Bearer realm="vendor-zoo"' });
    const issued = this.accessTokens.get(token);
    const expired = !issued || ctx.now() >= issued.expiresAt || issued.uses >= this.oauth.accessMaxUses;
    if (expired) {
      const why = issued ? 'The access token expired' : 'The access token is unknown';
      return json(401, { error: 'invalid_token', error_description: why }, { 'www-authenticate': `Bearer realm="vendor-zoo", error="invalid_token", error_description="${why}"` });
    }
    issued.uses++;
    const page = intParam(ctx.url.searchParams.get('page'), 1);
    if (!(page > 0)) return json(400, { error: 'invalid_request', error_description: 'page must be a positive integer' });
    const size = this.oauth.pageSize;
    const total = this.oauth.records;
    const data: OAuthReportRow[] = [];
    for (let i = (page - 1) * size; i < Math.min(total, page * size); i++) data.push(oauthReportRow(i));
    return json(200, { data, page, total_pages: Math.ceil(total / size) });
  }

  private login(ctx: Ctx): Reply {
    const body = ctx.parsedBody as { username?: unknown; password?: unknown } | undefined;
    if (!body || body.username !== this.session.username || body.password !== this.session.password) {
      return json(401, { error: 'invalid_credentials', message: 'username or password is wrong' });
    }
    this.seq++;
    const token = `sess-${this.seq}`;
    this.sessions.set(token, { uses: 0 });
    return json(200, { session_token: token });
  }

  private data(ctx: Ctx): Reply {
    const token = ctx.req.headers['x-session-token'];
    const s = typeof token === 'string' ? this.sessions.get(token) : undefined;
    if (!s || s.uses >= this.session.maxUses) {
      if (s) this.sessions.delete(token as string);
      return json(401, { error: 'invalid_session', message: 'missing, unknown or expired X-Session-Token' });
    }
    s.uses++;
    const page = intParam(ctx.url.searchParams.get('page'), 1);
    if (!(page > 0)) return json(400, { error: 'bad_request', message: 'page must be a positive integer' });
    const size = this.session.pageSize;
    const total = this.session.records;
    const data: Array<{ id: string; metric: number }> = [];
    for (let i = (page - 1) * size; i < Math.min(total, page * size); i++) data.push(sessionDataRow(i));
    return json(200, { data, page, has_more: page * size < total });
  }

  private stats(ctx: Ctx): Reply {
    const c = basicCredentials(ctx.req);
    if (!c || c.user !== this.basic.username || c.password !== this.basic.password) {
      return json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Basic realm="vendor-zoo", charset="UTF-8"' });
    }
    return json(200, { stats: expectedBasicStats(this.basic.records) });
  }
}
