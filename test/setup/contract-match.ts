/**
 * Matching for contract tables: a value against a Matcher (partial objects, item-by-item
 * arrays, `$` operators), and a recorded request against a RequestMatch. Each returns the
 * first mismatch as a sentence with its path, or undefined when everything matches, so a
 * failing contract says where and what. TEST CODE ONLY.
 */
import { XMLParser } from 'fast-xml-parser';
import type { FixtureRequest } from '../mock-vendor/fixture-server';
import { awsSignatureVerifies, naverSignature } from '../mock-vendor/signatures';
import { jwtParts, jwtVerifies } from './jwt-check';
import { authorizationParams, signature as oauth1Signature } from './oauth1-reference';
import type { RequestMatch } from './contract-table';

const show = (v: unknown) => (v === undefined ? 'undefined' : JSON.stringify(v));
const isOperator = (m: unknown): m is Record<string, unknown> =>
  typeof m === 'object' && m !== null && !Array.isArray(m) && Object.keys(m).length > 0 && Object.keys(m).every((k) => k.startsWith('$'));

/** The first mismatch of `actual` against `expected`, or undefined. */
export function mismatch(actual: unknown, expected: unknown, at = '$'): string | undefined {
  if (isOperator(expected)) return operatorMismatch(actual, expected, at);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return `${at}: expected ${expected.length} item(s) ${show(expected)}, got ${show(actual)}`;
    for (const [i, item] of expected.entries()) {
      const m = mismatch(actual[i], item, `${at}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return `${at}: expected an object like ${show(expected)}, got ${show(actual)}`;
    for (const [key, value] of Object.entries(expected)) {
      const m = mismatch((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
      if (m) return m;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${at}: expected ${show(expected)}, got ${show(actual)}`;
}

function operatorMismatch(actual: unknown, op: Record<string, unknown>, at: string): string | undefined {
  const text = typeof actual === 'string' ? actual : undefined;
  if ('$regex' in op) {
    const re = new RegExp(String(op.$regex), String(op.$flags ?? ''));
    return text !== undefined && re.test(text) ? undefined : `${at}: expected to match /${re.source}/${re.flags}, got ${show(actual)}`;
  }
  if ('$contains' in op) return text?.includes(String(op.$contains)) ? undefined : `${at}: expected to contain ${show(op.$contains)}, got ${show(actual)}`;
  if ('$notContains' in op) return text !== undefined && text.includes(String(op.$notContains)) ? `${at}: must not contain ${show(op.$notContains)}` : undefined;
  if ('$absent' in op) return actual === undefined ? undefined : `${at}: expected absent, got ${show(actual)}`;
  if ('$present' in op) return actual !== undefined ? undefined : `${at}: expected present, got nothing`;
  if ('$any' in op) return undefined;
  if ('$keys' in op) {
    const keys = typeof actual === 'object' && actual !== null ? Object.keys(actual).sort() : undefined;
    return JSON.stringify(keys) === JSON.stringify([...(op.$keys as string[])].sort()) ? undefined : `${at}: expected exactly the keys ${show(op.$keys)}, got ${show(keys)}`;
  }
  if ('$jwt' in op) return jwtMismatch(actual, op.$jwt as JwtExpectation, at);
  if ('$all' in op) {
    for (const m of op.$all as unknown[]) {
      const miss = mismatch(actual, m, at);
      if (miss) return miss;
    }
    return undefined;
  }
  if ('$not' in op) return mismatch(actual, op.$not, at) ? undefined : `${at}: expected not ${show(op.$not)}, got ${show(actual)}`;
  if ('$exact' in op) return JSON.stringify(sortKeys(actual)) === JSON.stringify(sortKeys(op.$exact)) ? undefined : `${at}: expected exactly ${show(op.$exact)}, got ${show(actual)}`;
  if ('$closeTo' in op) return typeof actual === 'number' && Math.abs(actual - Number(op.$closeTo)) < 0.005 ? undefined : `${at}: expected about ${show(op.$closeTo)}, got ${show(actual)}`;
  if ('$json' in op) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(actual));
    } catch {
      return `${at}: expected JSON text, got ${show(actual)}`;
    }
    return mismatch(parsed, op.$json, `${at}(json)`);
  }
  throw new Error(`${at}: unknown matcher operator in ${show(op)}`);
}

interface JwtExpectation {
  alg: 'RS256' | 'ES256';
  /** A public key (PEM) it must verify with, and one it must not. */
  verifiesWith: string;
  notVerifiesWith?: string;
  /** The header and claims segments as sent (text: key order is checked too). */
  header?: unknown;
  claims?: unknown;
}

/** A compact JWS checked with node:crypto alone (test/setup/jwt-check.ts), never with DIF's signer. */
function jwtMismatch(actual: unknown, jwt: JwtExpectation, at: string): string | undefined {
  if (typeof actual !== 'string' || actual.split('.').length !== 3) return `${at}: expected a compact JWT, got ${show(actual)}`;
  if (!jwtVerifies(actual, jwt.verifiesWith, jwt.alg)) return `${at}: the ${jwt.alg} signature does not verify with the expected public key`;
  if (jwt.notVerifiesWith && jwtVerifies(actual, jwt.notVerifiesWith, jwt.alg)) return `${at}: the signature verifies with the wrong key too`;
  const parts = jwtParts(actual);
  return mismatch(parts.header, jwt.header ?? { $any: true }, `${at}(jwt header)`) ?? mismatch(parts.claims, jwt.claims ?? { $any: true }, `${at}(jwt claims)`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/** The first way a recorded request does not match, or undefined. */
export function requestMismatch(request: FixtureRequest, match: RequestMatch): string | undefined {
  const checks: Array<[string, unknown, unknown]> = [
    ['method', request.method, match.method],
    ['query', request.query, match.query],
    ['headers', request.headers, match.headers],
    ['json', request.json, match.json],
    ['body', request.body, match.body],
  ];
  if (match.xml !== undefined) checks.push(['xml', parseXml(request.body), match.xml]);
  for (const [name, actual, expected] of checks) {
    if (expected === undefined) continue;
    const m = mismatch(actual, expected, name);
    if (m) return m;
  }
  if (match.signature && !signatureVerifies(request, match.signature)) return `signature: does not verify as ${Object.keys(match.signature)[0]}`;
  if (match.not !== undefined && !requestMismatch(request, match.not as RequestMatch)) return `not: matches ${show(match.not)}`;
  return undefined;
}

function signatureVerifies(request: FixtureRequest, signature: NonNullable<RequestMatch['signature']>): boolean {
  if ('naverHmac' in signature) {
    const { secretKey, apiKey } = signature.naverHmac;
    return request.headers['x-api-key'] === apiKey && request.headers['x-signature'] === naverSignature(secretKey, String(request.headers['x-timestamp']), request.method, request.path);
  }
  if ('oauth1' in signature) {
    // The base URI as the vendor sees it: the Host header the request came with.
    const oauth = authorizationParams(request.headers.authorization as string | undefined);
    const baseUri = `http://${request.headers.host}${request.path}`;
    return oauth.oauth_signature !== undefined && oauth.oauth_signature === oauth1Signature({ method: request.method, baseUri, params: Object.entries(request.query) }, oauth, signature.oauth1);
  }
  return awsSignatureVerifies(request, signature.awsSigV4);
}

/** The body as a vendor's XML parser reads it (SOAP envelopes). */
const xml = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
function parseXml(body: string): unknown {
  try {
    return xml.parse(body);
  } catch {
    return undefined;
  }
}

/** Replaces `{{name}}` placeholders in every string of a table value (values JSON-escaped: keys hold newlines). */
export function fill<T>(value: T, vars: Record<string, string>): T {
  let text = JSON.stringify(value);
  for (const [name, v] of Object.entries(vars)) text = text.replaceAll(`{{${name}}}`, JSON.stringify(v).slice(1, -1));
  return JSON.parse(text) as T;
}

/** Replaces `{{baseUrl}}` (the main mock's URL) and `{{url:<server>}}` in every string of a table value. */
export function withUrls<T>(value: T, baseUrl: string, urls: Record<string, string>): T {
  return fill(value, { baseUrl, ...Object.fromEntries(Object.entries(urls).map(([name, url]) => [`url:${name}`, url])) });
}
