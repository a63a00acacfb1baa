/** Reading an OAuth 2 token endpoint's answer (RFC 6749 §5.1), for every signer that gets an access token. */
import { retryableFailure } from '../activities/failures';
import { registerSecret } from '../activities/secret-scope';
import type { CachedToken } from './token-signer';

/** Where the token and its lifetime are in the answer, when not at RFC 6749's names. */
export interface TokenAnswerFields {
  accessToken?: string;
  expiresIn?: string;
  refreshToken?: string;
}

/** The value at a dotted path (`data.access_token`) of a JSON answer. */
export function answerField(body: Record<string, unknown>, path: string): unknown {
  let value: unknown = body;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Every token a token answer may carry, registered with the activity's secret scope before anything reads the answer. */
export function registerAnswerTokens(body: Record<string, unknown>, fields: TokenAnswerFields = {}): void {
  for (const field of [fields.accessToken ?? 'access_token', fields.refreshToken ?? 'refresh_token', 'access_token', 'refresh_token', 'id_token']) {
    const value = answerField(body, field);
    if (typeof value === 'string') registerSecret(value);
  }
}

export function accessTokenOf(body: Record<string, unknown>, url: URL, fields: TokenAnswerFields = {}): CachedToken {
  const tokenField = fields.accessToken ?? 'access_token';
  registerAnswerTokens(body, fields);
  const accessToken = answerField(body, tokenField);
  if (typeof accessToken !== 'string' || !accessToken) throw retryableFailure('VendorError', `token endpoint ${url.pathname} returned no ${tokenField}`);
  const expiresIn = Number(answerField(body, fields.expiresIn ?? 'expires_in'));
  return { value: accessToken, expiresAt: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 3600_000) };
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
