/**
 * Authentication for one activity's requests. Secrets are revealed here, inside the
 * activity, just before use; tokens obtained with them (OAuth2, login sessions) are cached
 * in this worker's memory until shortly before they expire, and renewed at once when the
 * vendor answers 401. Every value this session knows is registered with the activity's
 * secret scope as soon as it is known (credentials by the store as they are revealed,
 * tokens here as they arrive or are taken from the cache, Basic pairs before they are
 * sent), so whatever fails afterwards — a template quoting a secret, a vendor echoing it —
 * leaves the activity scrubbed (activities/secret-scope.ts). `secretValues()` lists them
 * for the stream scrubber of stored bodies.
 */
import type { AuthConfig, VendorConfig } from '../core/config-schema';
import { usingScope } from '../runtime/expression/expression';
import { ExpressionError } from '../core/errors';
import { authSecretNames } from '../core/auth-secrets';
import type { ActivityDeps } from './deps';
import { finalFailure, retryableFailure } from './failures';
import { apiBase, buildRequest, type BuiltRequest } from './http-request';
import { registerPair, registerSecret, scrubNow } from './secret-scope';
import { Scrubber } from './secret-scrub';

interface CachedToken {
  value: string;
  expiresAt: number;
}

/** Tokens by vendor and customer; shared by the activities of one worker process. */
const tokens = new Map<string, CachedToken>();

/** Renew a token this long before the vendor says it expires. */
const EXPIRY_MARGIN_MS = 60_000;

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
    for (const name of authSecretNames(config.auth)) {
      try {
        secrets[name] = await deps.credentials.reveal({ customerId: customer, vendor: config.vendor, name });
      } catch (e) {
        throw finalFailure('CredentialError', (e as Error).message);
      }
    }
    const auth = config.auth;
    if (auth.kind === 'basic') registerPair(secrets[auth.username], secrets[auth.password]);
    if (auth.kind === 'oauth2') registerPair(secrets[auth.clientId], secrets[auth.clientSecret]);
    return new AuthSession(deps, config, customer, secrets, timeoutMs);
  }

  /** Every secret value and token this session holds. */
  secretValues(): string[] {
    const cached = tokens.get(this.cacheKey);
    return [...Object.values(this.secrets), ...(cached ? [cached.value] : [])];
  }

  /** A scrubber of this session's secrets, tokens and Basic pairs, for stored response bodies (short secrets left alone: they are data there). */
  bodyScrubber(): Scrubber {
    const scrubber = new Scrubber(this.secretValues(), { dataSafe: true });
    const auth = this.config.auth;
    if (auth.kind === 'basic') scrubber.addPair(this.secrets[auth.username], this.secrets[auth.password]);
    if (auth.kind === 'oauth2') scrubber.addPair(this.secrets[auth.clientId], this.secrets[auth.clientSecret]);
    return scrubber;
  }

  /** Sets the request's credentials. A template that fails is a config error (final), its message scrubbed by the scope. */
  async apply(request: BuiltRequest): Promise<void> {
    try {
      await this.authenticate(request);
    } catch (e) {
      if (e instanceof ExpressionError) throw finalFailure('ConfigError', e.message);
      throw e;
    }
  }

  private async authenticate(request: BuiltRequest): Promise<void> {
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
    // Cached by an earlier activity, whose scope is gone: this one must know it too.
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
      registerSecret(cached.value);
      return cached.value;
    }
    const fresh = await obtain();
    registerSecret(fresh.value);
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
    for (const field of ['access_token', 'refresh_token', 'id_token']) if (typeof body[field] === 'string') registerSecret(body[field]);
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
    registerTokenLike(body);
    const token = usingScope({ response: body }, (scope) => scope.evaluate(auth.token, `${this.config.vendor}: $.auth.token`));
    if (typeof token !== 'string' || !token) throw finalFailure('CredentialError', `${request.label}: $.auth.token gave no token`);
    registerSecret(token);
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
    // Scrubbed (in one pass with the scope, which knows the Basic pairs whole) before it is cut, so no secret is cut in half.
    const scrubbed = scrubNow(text, Object.values(this.secrets)).slice(0, 300);
    if (response.status >= 500 || response.status === 429) throw retryableFailure('VendorError', `${label} answered ${response.status}: ${scrubbed}`);
    if (!response.ok) throw finalFailure('CredentialError', `${label} refused the credentials (${response.status}): ${scrubbed}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw retryableFailure('VendorError', `${label} answered with a body that is not JSON`);
    }
  }
}

/** Field names under which a login answer carries a credential. */
const TOKEN_FIELD = /token|secret|key|session|sid|password|auth|cookie/i;

/**
 * Registers what a login answer holds under credential-like names, before the `token`
 * expression reads it: that expression may fail quoting the answer. Only those fields,
 * not every string, or ordinary words ("ok", the user name) would be scrubbed too.
 */
function registerTokenLike(value: unknown, depth = 0): void {
  if (depth > 4 || value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && TOKEN_FIELD.test(key)) registerSecret(v);
    else registerTokenLike(v, depth + 1);
  }
}
