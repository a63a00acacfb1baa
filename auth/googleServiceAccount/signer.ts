/**
 * Auth kind `googleServiceAccount` (https://developers.google.com/identity/protocols/oauth2/service-account,
 * "Preparing to make an authorized API call", HTTP/REST): a JWT with `iss` the service
 * account's email, `scope`, `aud` the token endpoint, `iat` and `exp` (one hour), and `sub`
 * for domain-wide delegation, signed RS256 with the key file's private key and posted as
 * the `assertion` of the jwt-bearer grant. The access token is cached by TokenSigner.
 */
import type { BuiltRequest } from '../../activities/http-request';
import { finalFailure } from '../../activities/failures';
import { accessTokenOf, FORM_HEADERS } from '../access-token';
import { jwtNow, signingKey, signJwt } from '../jwt-signing';
import type { Signer } from '../signer';
import { TokenSigner, type CachedToken } from '../token-signer';
import type { GoogleServiceAccountAuthConfig } from './grammar';

/** Google accepts assertions valid for at most an hour. */
const ASSERTION_SECONDS = 3600;

interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export class GoogleServiceAccountSigner extends TokenSigner<GoogleServiceAccountAuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    request.headers.authorization = `Bearer ${await this.token()}`;
  }

  protected async obtain(): Promise<CachedToken> {
    const { auth, credentials } = this;
    const key = this.keyFile();
    const tokenUrl = auth.tokenUrl ?? key.token_uri ?? 'https://oauth2.googleapis.com/token';
    const url = this.tokenEndpoint(tokenUrl);
    const iat = jwtNow();
    const assertion = await signJwt(
      { alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) },
      // The claims in the order of Google's example (sub, for delegation, after iss).
      { iss: key.client_email, ...(auth.subject ? { sub: credentials.get(auth.subject) } : {}), scope: auth.scopes.join(' '), aud: url.href, exp: iat + ASSERTION_SECONDS, iat },
      signingKey(key.private_key, 'RS256', `${auth.key} (private_key)`),
    );
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    return accessTokenOf(await this.tokenCall(url, { method: 'POST', headers: FORM_HEADERS, body: form.toString() }), url);
  }

  /** The JSON key file; what is wrong with it is said without quoting it. */
  private keyFile(): ServiceAccountKey {
    const name = this.auth.key;
    let key: Partial<ServiceAccountKey>;
    try {
      key = JSON.parse(this.credentials.get(name)) as Partial<ServiceAccountKey>;
    } catch {
      throw finalFailure('CredentialError', `credential ${name} is not a service-account JSON key file: not JSON`);
    }
    const missing = (['client_email', 'private_key'] as const).filter((field) => typeof key?.[field] !== 'string' || !key[field]);
    if (missing.length) throw finalFailure('CredentialError', `credential ${name} is not a service-account JSON key file: no ${missing.join(', ')}`);
    return key as ServiceAccountKey;
  }
}
