/**
 * What the JWT signers share: the time their claims are stamped with (signing-clock.ts,
 * which tests fix to recompute a signature byte for byte), and the private key, read from a
 * credential. A PEM is registered with the activity's secret scope in every spelling an
 * error could quote: whole, line by line (secret-forms.ts) and as its base64 body on one
 * line. Parse failures never quote the key.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { finalFailure } from '../activities/failures';
import { registerSecret } from '../activities/secret-scope';
import { signingClock } from './signing-clock';

/** Seconds since the epoch, for `iat` and `exp`. */
export const jwtNow = (): number => Math.floor(signingClock.now().getTime() / 1000);

const CURVES: Record<string, string> = { ES256: 'prime256v1' };

/** The private key of a PEM credential, checked to suit `alg`. */
export function signingKey(pem: string, alg: 'RS256' | 'ES256', credential: string): KeyObject {
  registerSecret(pem);
  registerSecret(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''));
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw finalFailure('CredentialError', `credential ${credential} is not a PEM private key`);
  }
  const fits = alg === 'RS256' ? key.asymmetricKeyType === 'rsa' : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVES[alg];
  if (!fits) throw finalFailure('CredentialError', `credential ${credential} is not a key for ${alg} (${alg === 'RS256' ? 'RSA' : 'EC P-256'})`);
  return key;
}

/**
 * A compact JWS of `claims`, header and claims serialised in the order given (so a test can
 * rebuild the signing input from the documentation). The result is registered as a secret:
 * it is a credential until it expires.
 */
export async function signJwt(header: JWTHeaderParameters, claims: JWTPayload, key: KeyObject): Promise<string> {
  const jwt = await new SignJWT(claims).setProtectedHeader(header).sign(key);
  registerSecret(jwt);
  return jwt;
}
