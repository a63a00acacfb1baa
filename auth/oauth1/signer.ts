/**
 * Auth kind `oauth1`: each request signed with OAuth 1.0a HMAC-SHA1 (RFC 5849 section 3),
 * by the `oauth-1.0a` package with node:crypto. Signed in `sign`, after the rate limiter's
 * wait, so the timestamp is fresh when the vendor sees it.
 *
 * The parameters signed are the query's and an x-www-form-urlencoded body's (section
 * 3.4.1.3.1), both parsed as forms (`+` is a space); a JSON body is not a parameter source
 * and is left out. They are handed to the package already parsed, with the URL stripped
 * of its query: its own query parser would read `+` literally.
 */
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { BuiltRequest } from '../../activities/http-request';
import { CredentialSigner } from '../credentials';
import type { Signer } from '../signer';
import { signingClock } from '../signing-clock';
import type { OAuth1AuthConfig } from './grammar';

export class OAuth1Signer extends CredentialSigner<OAuth1AuthConfig> implements Signer {
  async sign(request: BuiltRequest): Promise<void> {
    const oauth = new OAuth({
      consumer: { key: this.credentials.get(this.auth.consumerKey), secret: this.credentials.get(this.auth.consumerSecret) },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    oauth.getTimeStamp = () => Math.floor(signingClock.now().getTime() / 1000);
    oauth.getNonce = () => signingClock.nonce();
    const signed = oauth.authorize(
      { method: request.method, url: `${request.url.origin}${request.url.pathname}`, data: signedParameters(request) },
      { key: this.credentials.get(this.auth.token), secret: this.credentials.get(this.auth.tokenSecret) },
    );
    request.headers.authorization = oauth.toHeader(signed).Authorization;
  }
}

/** The query's parameters and a form body's, repeated names kept as lists. */
function signedParameters(request: BuiltRequest): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const had = params[name];
    params[name] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  };
  request.url.searchParams.forEach((value, name) => add(name, value));
  if (request.body !== undefined && isForm(request.headers['content-type'])) {
    new URLSearchParams(request.body).forEach((value, name) => add(name, value));
  }
  return params;
}

const isForm = (contentType: string | undefined) => contentType?.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';
