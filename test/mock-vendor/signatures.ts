/**
 * Signatures recomputed the way the vendors document them, with node:crypto only (never
 * with DIF's signers or @smithy/signature-v4), so a mock vendor can refuse a request whose
 * signature does not verify and a test can state the exact value a fixed clock gives.
 * TEST CODE ONLY.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Naver Search Ad: base64 HMAC-SHA256 of "{timestamp}.{METHOD}.{path}" with the secret key. */
export function naverSignature(secretKey: string, timestamp: string, method: string, path: string): string {
  return createHmac('sha256', secretKey).update(`${timestamp}.${method}.${path}`).digest('base64');
}

export interface SignedRequest {
  method: string;
  /** The path as sent (percent-encoded once). */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface AwsScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** RFC 3986 unreserved characters stay, everything else is %XX (AWS's UriEncode). */
const uriEncode = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/**
 * AWS Signature Version 4 of a request, from "Create a signed AWS API request"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html): canonical
 * request (path segments encoded twice, as for every service but S3; query sorted and
 * encoded; the signed headers lower-cased and trimmed; hex SHA-256 of the body), string to
 * sign, signing key derived from date, region, service.
 */
export function awsSignature(request: SignedRequest, secretAccessKey: string, amzDate: string, scope: AwsScope, signedHeaders: string[]): string {
  const canonicalUri = request.path === '' ? '/' : request.path.split('/').map(uriEncode).join('/');
  const canonicalQuery = Object.entries(request.query)
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const header = (name: string) => {
    const value = request.headers[name];
    return (Array.isArray(value) ? value.join(',') : value ?? '').trim().replace(/\s+/g, ' ');
  };
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${header(name)}\n`).join('');
  const canonicalRequest = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), sha256Hex(request.body)].join('\n');
  const credentialScope = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, scope.date), scope.region), scope.service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/** Whether a request carries a SigV4 signature that verifies with this secret, for this region and service. */
export function awsSignatureVerifies(request: SignedRequest, expected: { accessKeyId: string; secretAccessKey: string; region: string; service: string }): boolean {
  const match = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!match || !amzDate.startsWith(match[2])) return false;
  const [, accessKeyId, date, region, service, signed, signature] = match;
  if (accessKeyId !== expected.accessKeyId || region !== expected.region || service !== expected.service) return false;
  const signedHeaders = signed.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return false;
  const recomputed = awsSignature(request, expected.secretAccessKey, amzDate, { accessKeyId, date, region, service }, signedHeaders);
  return timingSafeEqual(Buffer.from(recomputed), Buffer.from(signature));
}
