/** Reading an OAuth 2 token endpoint's answer (RFC 6749 §5.1), for every signer that gets an access token. */
import { retryableFailure } from '../activities/failures';
import { registerSecret } from '../activities/secret-scope';
import type { CachedToken } from './token-signer';

export function accessTokenOf(body: Record<string, unknown>, url: URL): CachedToken {
  for (const field of ['access_token', 'refresh_token', 'id_token']) if (typeof body[field] === 'string') registerSecret(body[field]);
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || !accessToken) throw retryableFailure('VendorError', `token endpoint ${url.pathname} returned no access_token`);
  const expiresIn = Number(body.expires_in);
  return { value: accessToken, expiresAt: Date.now() + (Number.isFinite(expiresIn) ? expiresIn * 1000 : 3600_000) };
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
