/**
 * OAuth 1.0a HMAC-SHA1 written from RFC 5849 section 3.4 and X's "Creating a signature"
 * page (https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature),
 * independently of the `oauth-1.0a` package DIF signs with: the tests recompute what a
 * request's signature must be and compare it with the one DIF sent. TEST CODE ONLY.
 */
import { createHmac } from 'node:crypto';

/** RFC 3986 section 2.1 percent-encoding, as RFC 5849 section 3.6 requires: only unreserved characters stay. */
export function rfc3986(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export interface SignedRequest {
  method: string;
  /** Scheme, host (with a port that is not the default) and path: section 3.4.1.2. */
  baseUri: string;
  /** Every query and form parameter, decoded, repeats included. */
  params: [string, string][];
}

export interface Oauth1Keys {
  consumerSecret: string;
  tokenSecret: string;
}

/** Section 3.4.1: METHOD&base-uri&normalized-parameters, each part encoded once more. */
export function baseString(request: SignedRequest, oauthParams: Record<string, string>): string {
  const pairs = [...request.params, ...Object.entries(oauthParams).filter(([name]) => name !== 'oauth_signature' && name !== 'realm')]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return [request.method.toUpperCase(), rfc3986(request.baseUri), rfc3986(normalized)].join('&');
}

/** Section 3.4.2: HMAC-SHA1 keyed by encoded consumer secret & encoded token secret, base64. */
export function signature(request: SignedRequest, oauthParams: Record<string, string>, keys: Oauth1Keys): string {
  const key = `${rfc3986(keys.consumerSecret)}&${rfc3986(keys.tokenSecret)}`;
  return createHmac('sha1', key).update(baseString(request, oauthParams)).digest('base64');
}

/** Section 3.5.1: the `oauth_*` parameters of an `Authorization: OAuth k="v", …` header, decoded. */
export function authorizationParams(header: string | undefined): Record<string, string> {
  if (!header?.startsWith('OAuth ')) return {};
  const params: Record<string, string> = {};
  for (const match of header.slice('OAuth '.length).matchAll(/([A-Za-z0-9_%.-]+)="([^"]*)"/g)) params[decodeURIComponent(match[1])] = decodeURIComponent(match[2]);
  return params;
}

