/**
 * Filling a request body's `$auth{…}` places (an XML body carrying the access token and the
 * developer token, as Microsoft Advertising's SOAP header elements do). The template was
 * rendered without them; the signer gives each value after the rate-limit wait and after
 * signing, so the token is fresh and is the one the request is signed with. The values are
 * encoded for where they stand (XML-escaped), and pass through nothing but this request:
 * not the expression engine, not a stored object, not an error (a missing value is named,
 * never shown).
 */
import { encodeTemplateValue } from '../core/template-encoding';
import type { Signer } from '../auth/signer';
import { finalFailure } from './failures';
import type { BuiltRequest } from './http-request';

/** Sets `request.body` from its pieces, with every place filled by `signer`. */
export async function fillAuthPlaces(request: BuiltRequest, signer: Signer, authKind: string): Promise<void> {
  if (!request.bodyPieces) return;
  let body = '';
  for (const piece of request.bodyPieces) {
    if (typeof piece === 'string') {
      body += piece;
      continue;
    }
    const value = await signer.placeValue?.(piece.auth);
    if (value === undefined) {
      throw finalFailure('ConfigError', `${request.label}: $auth{${piece.auth}} has no value: auth kind ${JSON.stringify(authKind)} ${piece.auth === 'token' ? 'obtains no token' : 'lists no such credential'}`);
    }
    try {
      body += encodeTemplateValue(value, piece.position);
    } catch (e) {
      throw finalFailure('ConfigError', `${request.label}: $auth{${piece.auth}} cannot stand in the body: ${(e as Error).message}`);
    }
  }
  request.body = body;
}

/** True when the request's body carries the signer's token itself (`$auth{token}`), so no header need carry it again. */
export function bodyCarriesToken(request: BuiltRequest): boolean {
  return request.bodyPieces?.some((piece) => typeof piece !== 'string' && piece.auth === 'token') ?? false;
}
