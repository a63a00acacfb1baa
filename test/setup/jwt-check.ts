/**
 * JWTs rebuilt and checked in tests from the documented algorithm with node:crypto alone,
 * independently of jose and of auth/jwt-signing.ts: compact JWS (RFC 7515) is
 * base64url(header JSON) "." base64url(claims JSON) "." base64url(signature over the two);
 * RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (deterministic), ES256 is ECDSA P-256 with SHA-256,
 * the signature written as r || s (RFC 7518 §3.4).
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** An RS256 JWT of exactly this header and these claims, in the key order given. */
export function rs256Jwt(header: object, claims: object, privateKeyPem: string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKeyPem).toString('base64url')}`;
}

/** Whether a compact JWS verifies with this public key, for `alg`. */
export function jwtVerifies(jwt: unknown, publicKey: KeyObject | string, alg: 'RS256' | 'ES256'): boolean {
  if (typeof jwt !== 'string') return false;
  const parts = jwt.split('.');
  if (parts.length !== 3) return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const signature = Buffer.from(parts[2], 'base64url');
  const input = Buffer.from(`${parts[0]}.${parts[1]}`);
  return alg === 'RS256' ? verify('sha256', input, key, signature) : verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

/** The header and claims segments of a JWT, as sent (text, so key order is checked too). */
export function jwtParts(jwt: string): { header: string; claims: string } {
  const [header, claims] = jwt.split('.');
  return { header: Buffer.from(header, 'base64url').toString(), claims: Buffer.from(claims, 'base64url').toString() };
}

/** A Google service-account key file as the Cloud console writes it, holding this private key. */
export function serviceAccountKeyFile(privateKey: string, email = 'dif-reader@example-project.iam.gserviceaccount.com'): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'example-project',
    private_key_id: '3f5c1e0c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e',
    private_key: privateKey,
    client_email: email,
    client_id: '103456789012345678901',
    token_uri: 'https://oauth2.googleapis.com/token',
  });
}
