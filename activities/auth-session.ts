/**
 * Authentication for one activity's requests. Secrets are revealed here, inside the
 * activity, just before use; tokens obtained with them (OAuth2, login sessions) are cached
 * in this worker's memory until shortly before they expire, and renewed at once when the
 * vendor answers 401. Every value this session knows is listed by `secretValues()` so that
 * errors can be scrubbed of them.
 */
import type { AuthConfig, VendorConfig } from '../interpreter/config-schema';
import { usingScope } from '../interpreter/expression';
import type { ActivityDeps } from './deps';
import { finalFailure, redact, retryableFailure } from './failures';
import { apiBase, buildRequest, type BuiltRequest } from './http-request';

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Tokens by vendor and customer; shared by the activities of one worker process. */
const tokens = new Map<string, CachedToken>();

/** Renew a token this long before the vendor says it expires. */
const EXPIRY_MARGIN_MS = 60_000;

export function secretNames(auth: AuthConfig): string[] {
  switch (auth.kind) {
    case 'none':
      return [];
    case 'apiKey':
    case 'bearer':
      return [auth.secret];
    case 'basic':
      return [auth.username, auth.password];
    case 'header':
    case 'login':
      return auth.secrets;
    case 'oauth2':
      return [...new Set([auth.clientId, auth.clientSecret, ...(auth.refreshToken ? [auth.refreshToken] : []), ...(auth.secrets ?? [])])];
  }
}

export class AuthSession {
  private readonly cacheKey: string;

  private constructor(
    private readonly deps: ActivityDeps,
    private readonly config: VendorConfig,
    private readonly customer: string,
    private readonly secrets: Record<string, string>,
    private readonly timeoutMs: number,
  ) {
    this.cacheKey = `${config.vendor}/${customer}`;
  }

  static async open(deps: ActivityDeps, config: VendorConfig, customer: string, timeoutMs: number): Promise<AuthSession> {
    const secrets: Record<string, string> = {};
    for (const name of secretNames(config.auth)) {
      try {
        secrets[name] = await deps.credentials.reveal({ customerId: customer, vendor: config.vendor, name });
      } catch (e) {
        throw finalFailure('CredentialError', (e as Error).message);
      }
    }
    return new AuthSession(deps, config, customer, secrets, timeoutMs);
  }

  /** Every secret value and token this session holds, for scrubbing messages. */
  secretValues(): string[] {
    const cached = tokens.get(this.cacheKey);
    return [...Object.values(this.secrets), ...(cached ? [cached.value] : [])];
  }

  async apply(request: BuiltRequest): Promise<void> {
    const auth = this.config.auth;
    switch (auth.kind) {
      case 'none':
        return;
      case 'apiKey':
        if (auth.in === 'header') request.headers[auth.name.toLowerCase()] = this.secrets[auth.secret];
        else request.url.searchParams.set(auth.name, this.secrets[auth.secret]);
        return;
      case 'bearer':
        request.headers.authorization = `Bearer ${this.secrets[auth.secret]}`;
        return;
      case 'basic':
        request.headers.authorization = `Basic ${Buffer.from(`${this.secrets[auth.username]}:${this.secrets[auth.password]}`).toString('base64')}`;
        return;
      case 'header': {
        request.headers[auth.name.toLowerCase()] = usingScope({ secrets: this.secrets }, (scope) => scope.render(auth.value, `${this.config.vendor}: $.auth.value`, 'header'));
        return;
      }
      case 'oauth2': {
        request.headers.authorization = `Bearer ${await this.token(() => this.oauth2Token(auth))}`;
        // Credentials some vendors want beside the token (Google Ads developer-token).
        usingScope({ secrets: this.secrets }, (scope) => {
          for (const [name, value] of Object.entries(auth.headers ?? {})) {
            request.headers[name.toLowerCase()] = scope.render(value, `${this.config.vendor}: $.auth.headers.${name}`, 'header');
          }
        });
        return;
      }
      case 'login': {
        const token = await this.token(() => this.loginToken(auth));
        request.headers[auth.header.toLowerCase()] = auth.value ? usingScope({ token }, (scope) => scope.render(auth.value!, `${this.config.vendor}: $.auth.value`, 'header')) : token;
        return;
      }
    }
  }

  /** After a 401: drop the cached token. True when a fresh token may fix it. */
  renew(): boolean {
    const renewable = this.config.auth.kind === 'oauth2' || this.config.auth.kind === 'login';
    if (renewable) tokens.delete(this.cacheKey);
    return renewable;
  }

  private async token(obtain: () => Promise<CachedToken>): Promise<string> {
    const cached = tokens.get(this.cacheKey);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.value;
    const fresh = await obtain();
    tokens.set(this.cacheKey, fresh);
    return fresh.value;
  }

  private async oauth2Token(auth: Extract<AuthConfig, { kind: 'oauth2' }>): Promise<CachedToken> {
    const url = new URL(usingScope({ baseUrl: apiBase(this.config).replace(/\/$/, '') }, (scope) => scope.render(auth.tokenUrl, `${this.config.vendor}: $.auth.tokenUrl`, 'url')));
    const form = new URLSearchParams({ grant_type: auth.grant });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const clientId = this.secrets[auth.clientId];
    const clientSecret = this.secrets[auth.clientSecret];
    if (auth.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    if (auth.grant === 'refresh_token') {
      if (!auth.refreshToken) throw finalFailure('ConfigError', `${this.config.vendor}: $.auth.refreshToken is required for the refresh_token grant`);
      form.set('refresh_token', this.secrets[auth.refreshToken]);
    }
    if (auth.scope) form.set('scope', auth.scope);
    const body = await this.tokenCall(url, { method: 'POST', headers, body: form.toString() });
    const accessToken = body.access_token;
    if (typeof accessToken !== 'string' || !accessToken) throw retryableFailure('VendorError', `token endpoint ${url.pathname} returned no access_token`);
    // A rotated refresh token replaces the stored one, encrypted, before it is used again.
    if (auth.refreshToken && typeof body.refresh_token === 'string' && body.refresh_token !== this.secrets[auth.refreshToken]) {
      await this.deps.credentials.set({ customerId: this.customer, vendor: this.config.vendor, name: auth.refreshToken }, body.refresh_token);
      this.secrets[auth.refreshToken] = body.refresh_token;
    }
    const expiresIn = Number(body.expires_in);
    return { value: accessToken, expiresAt: Date.now() + (Number.isFinite(expiresIn) ? expiresIn * 1000 : 3600_000) };
  }

  private async loginToken(auth: Extract<AuthConfig, { kind: 'login' }>): Promise<CachedToken> {
    const request = usingScope({ secrets: this.secrets }, (scope) => buildRequest(this.config, auth.request, scope, `${this.config.vendor}: $.auth.request`));
    const body = await this.tokenCall(request.url, { method: request.method, headers: request.headers, body: request.body });
    const token = usingScope({ response: body }, (scope) => scope.evaluate(auth.token, `${this.config.vendor}: $.auth.token`));
    if (typeof token !== 'string' || !token) throw finalFailure('CredentialError', `${request.label}: $.auth.token gave no token`);
    return { value: token, expiresAt: Date.now() + (auth.ttlSeconds ?? 3600) * 1000 };
  }

  private async tokenCall(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    const label = `${init.method} ${url.pathname}`;
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      throw retryableFailure('VendorUnavailable', `${label} on ${url.host} failed: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name}`);
    }
    const text = await response.text();
    const scrubbed = redact(text.slice(0, 300), Object.values(this.secrets));
    if (response.status >= 500 || response.status === 429) throw retryableFailure('VendorError', `${label} answered ${response.status}: ${scrubbed}`);
    if (!response.ok) throw finalFailure('CredentialError', `${label} refused the credentials (${response.status}): ${scrubbed}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw retryableFailure('VendorError', `${label} answered with a body that is not JSON`);
    }
  }
}
