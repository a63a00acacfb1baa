/**
 * Signers that trade credentials for a token (OAuth 2, login sessions). Tokens are cached
 * in this worker's memory by vendor and customer, shared by its activities, until shortly
 * before they expire, and dropped at once when the vendor answers 401. A token is
 * registered with the activity's secret scope as it arrives or is taken from the cache.
 */
import { retryableFailure, finalFailure } from '../activities/failures';
import { apiBase } from '../activities/http-request';
import { registerSecret, scrubNow } from '../activities/secret-scope';
import { usingScope } from '../runtime/expression/expression';
import { CredentialSigner } from './credentials';
import type { AuthConfig } from './grammar-registry';
import type { HeldSecrets } from './signer';

export interface CachedToken {
  value: string;
  expiresAt: number;
  /** The API base URL the token answer named (Salesforce `instance_url`), when the vendor says so. */
  baseUrl?: string;
}

/** Tokens by vendor and customer; shared by the activities of one worker process. */
const tokens = new Map<string, CachedToken>();

/** Renew a token this long before the vendor says it expires. */
const EXPIRY_MARGIN_MS = 60_000;

export abstract class TokenSigner<A extends AuthConfig> extends CredentialSigner<A> {
  private get cacheKey(): string {
    return `${this.context.config.vendor}/${this.context.customer}`;
  }

  /** Obtains a fresh token from the vendor. */
  protected abstract obtain(): Promise<CachedToken>;

  protected async token(): Promise<string> {
    return (await this.cachedToken()).value;
  }

  /** The token with what came with it, from the cache or the vendor. */
  protected async cachedToken(): Promise<CachedToken> {
    const cached = tokens.get(this.cacheKey);
    // Cached by an earlier activity, whose scope is gone: this one must know it too.
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) {
      registerSecret(cached.value);
      return cached;
    }
    const fresh = await this.obtain();
    registerSecret(fresh.value);
    tokens.set(this.cacheKey, fresh);
    return fresh;
  }

  override renew(): boolean {
    tokens.delete(this.cacheKey);
    return true;
  }

  override held(): HeldSecrets {
    const held = super.held();
    const cached = tokens.get(this.cacheKey);
    return cached ? { ...held, values: [...held.values, cached.value] } : held;
  }

  /** The token endpoint of `$.auth.tokenUrl` (or its default), a URL template that may start with `${baseUrl}`. */
  protected tokenEndpoint(template: string): URL {
    const { config } = this.context;
    return new URL(usingScope({ baseUrl: apiBase(config).replace(/\/$/, '') }, (scope) => scope.render(template, `${config.vendor}: $.auth.tokenUrl`, 'url')));
  }

  /** Calls a token or login endpoint; its answer, parsed. Failures are scrubbed of the credentials in play. */
  protected async tokenCall(url: URL, init: RequestInit): Promise<Record<string, unknown>> {
    const label = `${init.method} ${url.pathname}`;
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.context.timeoutMs) });
    } catch (e) {
      throw retryableFailure('VendorUnavailable', `${label} on ${url.host} failed: ${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name}`);
    }
    const text = await response.text();
    // Scrubbed (in one pass with the scope, which knows the Basic pairs whole) before it is cut, so no secret is cut in half.
    const scrubbed = scrubNow(text, this.credentials.held().values).slice(0, 300);
    if (response.status >= 500 || response.status === 429) throw retryableFailure('VendorError', `${label} answered ${response.status}: ${scrubbed}`);
    if (!response.ok) throw finalFailure('CredentialError', `${label} refused the credentials (${response.status}): ${scrubbed}`);
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw retryableFailure('VendorError', `${label} answered with a body that is not JSON`);
    }
  }
}
