/**
 * Auth kind `jwtClientSecret`, as Apple Search Ads does it
 * (https://developer.apple.com/documentation/apple_search_ads/implementing_oauth_for_the_apple_search_ads_api):
 * a client secret signed ES256 (`kid` header; `iss` team id, `sub` client id, `aud`,
 * `iat`, `exp`), sent with the client id to the token endpoint as a client credentials
 * grant. A new secret is signed for each token; the token is cached by TokenSigner.
 * Apple's example puts the parameters in the query string; they go in the form body here,
 * as RFC 6749 §2.3.1 allows, so the signed secret never sits in a URL.
 */
import type { BuiltRequest } from '../../activities/http-request';
import { accessTokenOf, FORM_HEADERS } from '../access-token';
import { jwtNow, signingKey, signJwt } from '../jwt-signing';
import type { Signer } from '../signer';
import { TokenSigner, type CachedToken } from '../token-signer';
import type { JwtClientSecretAuthConfig } from './grammar';

const DEFAULT_LIFETIME_SECONDS = 600;

export class JwtClientSecretSigner extends TokenSigner<JwtClientSecretAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    request.headers.authorization = `Bearer ${await this.token()}`;
  }

  protected async obtain(): Promise<CachedToken> {
    const { auth, credentials } = this;
    const url = this.tokenEndpoint(auth.tokenUrl);
    const clientId = credentials.get(auth.clientId);
    const iat = jwtNow();
    const clientSecret = await signJwt(
      { alg: 'ES256', kid: credentials.get(auth.keyId) },
      { sub: clientId, aud: auth.audience, iat, exp: iat + (auth.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS), iss: credentials.get(auth.teamId) },
      signingKey(credentials.get(auth.privateKey), 'ES256', auth.privateKey),
    );
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    if (auth.scope) form.set('scope', auth.scope);
    return accessTokenOf(await this.tokenCall(url, { method: 'POST', headers: FORM_HEADERS, body: form.toString() }), url);
  }
}
