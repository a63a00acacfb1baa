/**
 * Shared plumbing for the vendor zoo: route and reply types, request records, scripted faults,
 * and small deterministic helpers (hashing, dates, opaque cursors). TEST CODE ONLY.
 */
import type http from 'node:http';

export type RouteName =
  | 'meta.insights'
  | 'github.issues'
  | 'googleAds.search'
  | 'generic.contacts'
  | 'generic.contactsDeleted'
  | 'generic.orders'
  | 'linkedin.adAccounts'
  | 'linkedin.adCampaigns'
  | 'linkedin.adAnalytics'
  | 'amazon.createReport'
  | 'amazon.getReport'
  | 'amazon.deleteReport'
  | 'amazon.download'
  | 'oauth.token'
  | 'oauth.reports'
  | 'session.login'
  | 'session.data'
  | 'basic.stats'
  | 'campaigns.list'
  | 'campaigns.stats'
  | 'unknown';

export interface RecordedRequest {
  route: RouteName;
  method: string;
  /** URL path, not decoded. */
  path: string;
  /** Decoded query parameters (last value wins for repeated names). */
  query: Record<string, string>;
  /** The raw query string without the leading '?', exactly as sent. */
  rawQuery: string;
  headers: http.IncomingHttpHeaders;
  /** Raw request body ('' when none). */
  body: string;
  /** Parsed body: JSON when it parses, a form object for x-www-form-urlencoded, else undefined. */
  parsedBody?: unknown;
  /** Date.now() when the request arrived. */
  at: number;
}

/** A scripted answer that replaces (or delays) the next request(s) of a route. */
export interface Fault {
  /** HTTP status to answer with. Omit to only delay (delayMs) and then serve normally. */
  status?: number;
  /** Raw body to send (e.g. malformed JSON '{"data": ['). Default: a JSON error object. */
  body?: string;
  /** Value of the Retry-After header (seconds or an HTTP date). */
  retryAfter?: string | number;
  /** Retry-After as an HTTP date this many ms after the answer is sent (dates have whole seconds). */
  retryAfterDateInMs?: number;
  /** Wait this long before answering (or before serving normally when status is omitted). */
  delayMs?: number;
  /** Never answer; the socket stays open until stop(). Simulates a timeout. */
  hang?: boolean;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /**
   * How the answer (the route's own, or this fault's status and body) misbehaves on the
   * wire: `bom` puts a UTF-8 BOM before it; `cut` sends its headers and half its body, then
   * resets the connection; `stallMs` sends half, waits that long, then the rest (a body
   * slower than the client's timeout).
   */
  bom?: boolean;
  cut?: boolean;
  stallMs?: number;
}

export interface Ctx {
  /** Base URL of the running zoo, e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  req: http.IncomingMessage;
  url: URL;
  body: string;
  parsedBody: unknown;
  /** The zoo's clock (Date.now() plus advanceClock offsets). */
  now(): number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string | number>;
  /** Serialised as JSON (content-type application/json). */
  json?: unknown;
  /** Sent as is; set content-type in headers. */
  raw?: string | Buffer;
}

export interface RouteDef {
  name: RouteName;
  method: string;
  pattern: RegExp;
  handle(ctx: Ctx, match: RegExpExecArray): Reply | Promise<Reply>;
}

export function json(status: number, body: unknown, headers?: Record<string, string | number>): Reply {
  return { status, json: body, headers };
}

/** FNV-1a 32-bit hash: a stable pseudo-random source for deterministic figures. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const DAY_MS = 86_400_000;

export function isIsoDate(s: unknown): s is string {
  return typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date from since to until, inclusive (empty when until < since). */
export function datesBetween(since: string, until: string): string[] {
  const out: string[] = [];
  for (let d = since; d <= until; d = addDays(d, 1)) out.push(d);
  return out;
}

export function encodeCursor(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function decodeCursor(cursor: string): string | undefined {
  try {
    const text = Buffer.from(cursor, 'base64').toString('utf8');
    return text.length > 0 ? text : undefined;
  } catch {
    return undefined;
  }
}

export function intParam(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : NaN;
}

export function bearer(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return m ? m[1].trim() : undefined;
}

export function basicCredentials(req: http.IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  const m = header ? /^Basic\s+(.+)$/i.exec(header) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1].trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Money with two decimals from an integer number of cents, as vendors print it. */
export function cents(n: number): string {
  return (n / 100).toFixed(2);
}
