/**
 * Auth kind `oauth2`: an access token from the token endpoint (client credentials,
 * refresh token, or a JWT bearer assertion), cached by TokenSigner, sent in `Authorization`
 * as a bearer token or bare in the vendor's own header; a rotated refresh token is stored
 * back, encrypted, before it is used again. When the token answer names the API's base URL
 * (Salesforce `instance_url`), requests built on the vendor `baseUrl` are sent there.
 */
import type { BuiltRequest } from '../../activities/http-request';
import { apiBase } from '../../activities/http-request';
import { finalFailure, retryableFailure } from '../../activities/failures';
import { scrubNow } from '../../activities/secret-scope';
import { bodyCarriesToken } from '../../activities/auth-places';
import { usingScope } from '../../runtime/expression/expression';
import { accessTokenOf, answerField, FORM_HEADERS, registerAnswerTokens } from '../access-token';
import { jwtNow, signingKey, signJwt } from '../jwt-signing';
import type { Signer } from '../signer';
import { TokenSigner, type CachedToken } from '../token-signer';
import type { OAuth2AuthConfig } from './grammar';
import { baseUrlOf, rebased } from './base-url';

/**
 * The same fields as one JSON object (`tokenRequest.format: json`). With `clientAuth: basic`
 * the client stays in the Authorization header, as with a form.
 */
function asJsonRequest(form: URLSearchParams, headers: Record<string, string>): { headers: Record<string, string>; body: string } {
  return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(form)) };
}

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Salesforce refuses an `exp` more than three minutes ahead. */
const DEFAULT_ASSERTION_SECONDS = 180;

export class OAuth2Signer extends TokenSigner<OAuth2AuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const token = await this.cachedToken();
    const header = (this.auth.tokenHeader ?? 'authorization').toLowerCase();
    // A body that places the token itself (a SOAP AuthenticationToken) carries it once: no header repeats it.
    if (!bodyCarriesToken(request)) request.headers[header] = header === 'authorization' ? `Bearer ${token.value}` : token.value;
    if (token.baseUrl) request.url = rebased(request.url, apiBase(this.context.config), token.baseUrl);
    // Credentials some vendors want beside the token (Google Ads developer-token).
    usingScope(this.templateVariables(), (scope) => {
      for (const [name, value] of Object.entries(this.auth.headers ?? {})) {
        request.headers[name.toLowerCase()] = scope.render(value, `${this.context.config.vendor}: $.auth.headers.${name}`, 'header');
      }
    });
  }

  protected async obtain(): Promise<CachedToken> {
    const { auth, credentials } = this;
    const url = this.tokenEndpoint(auth.tokenUrl);
    const { form, headers } = auth.grant === 'jwt_bearer' ? await this.assertionForm() : this.clientForm();
    if (auth.scope) form.set('scope', auth.scope);
    Object.assign(headers, this.tokenHeaders());
    const request = auth.tokenRequest?.format === 'json' ? asJsonRequest(form, headers) : { headers, body: form.toString() };
    const body = await this.tokenCall(url, { method: 'POST', ...request });
    if (auth.tokenErrors) this.refusalIn(body, auth.tokenErrors, url);
    const token = accessTokenOf(body, url, auth.tokenFields);
    if (auth.baseUrlFrom) token.baseUrl = baseUrlOf(answerField(body, auth.baseUrlFrom.field), auth.baseUrlFrom, `${this.context.config.vendor}: $.auth.baseUrlFrom`);
    const rotated = answerField(body, auth.tokenFields?.refreshToken ?? 'refresh_token');
    if (auth.refreshToken && typeof rotated === 'string' && rotated && rotated !== credentials.get(auth.refreshToken)) {
      // Stored before it is used: a vendor that rotates (TikTok, Salesforce) refuses the old one from now on.
      await this.context.deps.credentials.set({ customerId: this.context.customer, vendor: this.context.config.vendor, name: auth.refreshToken }, rotated);
      credentials.replace(auth.refreshToken, rotated);
    }
    return token;
  }

  /** `tokenHeaders`, rendered over the credentials and the customer's inputs (lower-cased names). */
  private tokenHeaders(): Record<string, string> {
    const vendor = this.context.config.vendor;
    return usingScope(this.templateVariables(), (scope) =>
      Object.fromEntries(Object.entries(this.auth.tokenHeaders ?? {}).map(([name, value]) => [name.toLowerCase(), scope.render(value, `${vendor}: $.auth.tokenHeaders.${name}`, 'header')])),
    );
  }

  /**
   * `tokenErrors`: a refusal inside a 2xx token answer fails with the vendor's message,
   * final unless `retryWhen` holds. The answer may hold tokens: they are registered first,
   * so the message is scrubbed of them as of every credential.
   */
  private refusalIn(body: Record<string, unknown>, rules: NonNullable<OAuth2AuthConfig['tokenErrors']>, url: URL): void {
    const vendor = this.context.config.vendor;
    registerAnswerTokens(body, this.auth.tokenFields);
    usingScope({ response: body }, (scope) => {
      if (!scope.evaluate(rules.when, `${vendor}: $.auth.tokenErrors.when`)) return;
      const said = rules.message ? String(scope.evaluate(rules.message, `${vendor}: $.auth.tokenErrors.message`)) : 'tokenErrors.when held';
      const message = scrubNow(`POST ${url.pathname} refused the credentials: ${said}`.slice(0, 500), this.credentials.held().values);
      if (rules.retryWhen && scope.evaluate(rules.retryWhen, `${vendor}: $.auth.tokenErrors.retryWhen`)) throw retryableFailure('VendorThrottled', message);
      throw finalFailure('CredentialError', message);
    });
  }

  /** client_credentials and refresh_token: the client proves itself with its secret. */
  private clientForm(): { form: URLSearchParams; headers: Record<string, string> } {
    const { auth, credentials } = this;
    const vendor = this.context.config.vendor;
    const form = new URLSearchParams({ grant_type: auth.grant });
    const headers: Record<string, string> = { ...FORM_HEADERS };
    // Validation requires both; a config that bypassed it fails here, by path.
    if (!auth.clientSecret) throw finalFailure('ConfigError', `${vendor}: $.auth.clientSecret is required for the ${auth.grant} grant`);
    const clientId = credentials.get(auth.clientId);
    const clientSecret = credentials.get(auth.clientSecret);
    if (auth.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    if (auth.grant === 'refresh_token') {
      if (!auth.refreshToken) throw finalFailure('ConfigError', `${vendor}: $.auth.refreshToken is required for the refresh_token grant`);
      form.set('refresh_token', credentials.get(auth.refreshToken));
    }
    return { form, headers };
  }

  /**
   * jwt_bearer (RFC 7523 §2.1; Salesforce "OAuth 2.0 JWT Bearer Flow for Server-to-Server
   * Integration"): header `{"alg":"RS256"}`, claims iss, sub, aud, exp in the order of
   * Salesforce's example, signed with the customer's private key.
   */
  private async assertionForm(): Promise<{ form: URLSearchParams; headers: Record<string, string> }> {
    const { auth, credentials } = this;
    const assertion = auth.assertion;
    if (!assertion) throw finalFailure('ConfigError', `${this.context.config.vendor}: $.auth.assertion is required for the jwt_bearer grant`);
    const jwt = await signJwt(
      { alg: 'RS256' },
      {
        iss: credentials.get(auth.clientId),
        sub: credentials.get(assertion.subject),
        aud: assertion.audience,
        exp: jwtNow() + (assertion.lifetimeSeconds ?? DEFAULT_ASSERTION_SECONDS),
      },
      signingKey(credentials.get(assertion.privateKey), 'RS256', assertion.privateKey),
    );
    return { form: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: jwt }), headers: { ...FORM_HEADERS } };
  }
}
