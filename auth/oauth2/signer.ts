/**
 * Auth kind `oauth2`: a bearer access token from the token endpoint (client credentials or
 * refresh token grant), cached by TokenSigner; a rotated refresh token is stored back,
 * encrypted, before it is used again.
 */
import type { BuiltRequest } from '../../activities/http-request';
import { finalFailure } from '../../activities/failures';
import { bodyCarriesToken } from '../../activities/auth-places';
import { usingScope } from '../../runtime/expression/expression';
import { accessTokenOf, FORM_HEADERS } from '../access-token';
import type { Signer } from '../signer';
import { TokenSigner, type CachedToken } from '../token-signer';
import type { OAuth2AuthConfig } from './grammar';

export class OAuth2Signer extends TokenSigner<OAuth2AuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    // A body that places the token itself (a SOAP AuthenticationToken) carries it once: no header repeats it.
    if (!bodyCarriesToken(request)) request.headers.authorization = `Bearer ${await this.token()}`;
    // Credentials some vendors want beside the token (Google Ads developer-token).
    usingScope({ secrets: this.credentials.byName() }, (scope) => {
      for (const [name, value] of Object.entries(this.auth.headers ?? {})) {
        request.headers[name.toLowerCase()] = scope.render(value, `${this.context.config.vendor}: $.auth.headers.${name}`, 'header');
      }
    });
  }

  protected async obtain(): Promise<CachedToken> {
    const { auth, credentials, context } = this;
    const { config } = context;
    const url = this.tokenEndpoint(auth.tokenUrl);
    const form = new URLSearchParams({ grant_type: auth.grant });
    const headers: Record<string, string> = { ...FORM_HEADERS };
    const clientId = credentials.get(auth.clientId);
    const clientSecret = credentials.get(auth.clientSecret);
    if (auth.clientAuth === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    if (auth.grant === 'refresh_token') {
      if (!auth.refreshToken) throw finalFailure('ConfigError', `${config.vendor}: $.auth.refreshToken is required for the refresh_token grant`);
      form.set('refresh_token', credentials.get(auth.refreshToken));
    }
    if (auth.scope) form.set('scope', auth.scope);
    const body = await this.tokenCall(url, { method: 'POST', headers, body: form.toString() });
    const token = accessTokenOf(body, url);
    if (auth.refreshToken && typeof body.refresh_token === 'string' && body.refresh_token !== credentials.get(auth.refreshToken)) {
      await context.deps.credentials.set({ customerId: context.customer, vendor: config.vendor, name: auth.refreshToken }, body.refresh_token);
      credentials.replace(auth.refreshToken, body.refresh_token);
    }
    return token;
  }
}
