/**
 * The HTTP client vendor requests go out on: undici's `request` over one shared keep-alive
 * `Agent` per process, instead of Node's global `fetch`.
 *
 * Why not fetch: the fan-out bench (issue 18) keeps the main thread ~90% busy, and Node 20's
 * fetch (WHATWG Headers, Response and web streams over the same undici, then
 * `Readable.fromWeb` back to a Node stream) was one of the largest costs per call. On a
 * micro-benchmark of 10,000 GETs, 4 at a time, against a local keep-alive server: fetch +
 * text() took 2.27–3.60 s wall, 2.7–5.0 s CPU; fetch + Readable.fromWeb (what the client
 * did) 2.17–2.95 s wall, 2.6–3.7 s CPU; undici 7 `request` + body.text() 0.70–0.85 s wall,
 * 0.76–1.04 s CPU.
 *
 * `request` is the bare client, so what fetch did on top of it for the vendor client is done
 * here, as Node 20's fetch did it:
 * - the default request headers fetch adds when the request has none of its own: `accept: *\/*`,
 *   `accept-language: *`, `user-agent: node`, and `accept-encoding: gzip, deflate` (over
 *   https `br, gzip, deflate`);
 * - redirects (301, 302, 303, 307, 308 with a Location) followed, up to 20; a 303 (and a 301
 *   or 302 answering a POST) goes on as a GET without the body or its content-* headers. To
 *   another origin, the credentials stay behind: `authorization`, `cookie` and
 *   `proxy-authorization` (fetch dropped only `authorization`), and every header the caller
 *   calls sensitive (the vendor client: what its signer set, and any header carrying a
 *   secret, such as an API-key header, which fetch sent on);
 * - `content-encoding` gzip (x-gzip), deflate (zlib or raw) and br decoded, with fetch's
 *   lenient flushing. Decoded, the answer's `content-encoding` and `content-length` are dropped
 *   from its headers: they describe the bytes on the wire, not the body handed on (so a decoded
 *   text body is scrubbed like any other, redact-stream.ts isScrubbableText). An unknown coding
 *   is left as it came, header included;
 * - headers read as fetch's Headers gave them with forEach: lower-cased names, repeated
 *   headers joined with ", ", `set-cookie` the last one;
 * - no body for HEAD and the null-body statuses (101, 204, 205, 304).
 * The signal aborts the request, its redirects and the reading of its body: the body then fails
 * with the signal's reason (a TimeoutError, an AbortError), as fetch's did.
 */
import { Readable, pipeline, Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';

/**
 * One per process, shared by every vendor client: connections kept alive between calls (the
 * Agent's defaults, as the global dispatcher behind fetch had them).
 */
let agent: Agent | undefined;

export function vendorAgent(): Agent {
  agent ??= new Agent();
  return agent;
}

export interface HttpRequest {
  method: string;
  url: URL;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Headers not to send on to another origin after a redirect, beside authorization, cookie and proxy-authorization. */
  sensitive?: (name: string, value: string) => boolean;
}

export interface HttpAnswer {
  status: number;
  /** Lower-cased names, repeated headers joined with ", " (set-cookie: the last). */
  headers: Record<string, string>;
  /** Decoded; null for HEAD and the null-body statuses. */
  body: Readable | null;
  /** The URL that answered, after redirects. */
  url: URL;
  /** The codings undone (`gzip`…), when the body was decoded. */
  decoded?: string;
}

/** Fetch's redirect limit. */
export const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
const CREDENTIALS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** A network error of this client's own (a redirect it will not follow), with the code fetch's cause had. */
export class HttpClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'HttpClientError';
  }
}

/** Sends one request, following its redirects, and hands back the answer with its body to read. */
export async function sendHttp(req: HttpRequest): Promise<HttpAnswer> {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  let headers = withDefaults(req.headers, url);
  for (let hops = 0; ; hops++) {
    const answer = await request(url, {
      dispatcher: vendorAgent(),
      method: method as 'GET',
      headers,
      body,
      signal: req.signal,
    });
    const location = REDIRECTS.has(answer.statusCode) ? single(answer.headers.location) : undefined;
    if (location === undefined) return answerOf(answer, method, url);
    // A redirect's own body is not read: dropped (its connection kept when it is short).
    await answer.body.dump().catch(() => undefined);
    if (hops >= MAX_REDIRECTS) throw new HttpClientError(`${url.host}: more than ${MAX_REDIRECTS} redirects`, 'redirect count exceeded');
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new HttpClientError(`${url.host}: a redirect to an invalid URL`, 'invalid redirect URL');
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new HttpClientError(`${url.host}: a redirect to ${next.protocol}`, 'URL scheme must be a HTTP(S) scheme');
    if (answer.statusCode === 303 ? method !== 'GET' && method !== 'HEAD' : (answer.statusCode === 301 || answer.statusCode === 302) && method === 'POST') {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !REQUEST_BODY_HEADERS.has(name)));
    }
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([name, value]) => !CREDENTIALS.has(name) && !req.sensitive?.(name, value)));
    }
    url = next;
  }
}

/** Fetch's request-body-header names, dropped with the body when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADERS = new Set(['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length']);

function withDefaults(given: Record<string, string>, url: URL): Record<string, string> {
  const headers = { ...given };
  headers.accept ??= '*/*';
  headers['accept-language'] ??= '*';
  headers['user-agent'] ??= 'node';
  headers['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
  return headers;
}

type Answer = Awaited<ReturnType<typeof request>>;

function answerOf(answer: Answer, method: string, url: URL): HttpAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? (name === 'set-cookie' ? value[value.length - 1] : value.join(', ')) : value;
  }
  if (method === 'HEAD' || method === 'CONNECT' || NULL_BODY.has(answer.statusCode)) {
    answer.body.dump().catch(() => undefined);
    return { status: answer.statusCode, headers, body: null, url };
  }
  // A body dropped unread (destroyed: a 401's, one whose reader failed) has no 'error' listener
  // left to tell; its reader, if any, still gets the error from the stream, as fetch's did.
  answer.body.on('error', ignore);
  const decoders = decodersOf(headers['content-encoding']);
  if (!decoders) return { status: answer.statusCode, headers, body: answer.body, url };
  const decoded = headers['content-encoding'];
  delete headers['content-encoding'];
  delete headers['content-length'];
  // Errors travel down the pipeline (the body's reason reaches the reader), and destroying the
  // decoded stream destroys the body under it, which gives its connection back.
  const body = (pipeline([answer.body, ...decoders], ignore) as unknown as Readable).on('error', ignore);
  return { status: answer.statusCode, headers, body, url, decoded };
}

function ignore(): void {}

/** Fetch's decoders for a Content-Encoding, last coding first; undefined when there is none, or one fetch did not know. */
function decodersOf(contentEncoding: string | undefined): Transform[] | undefined {
  if (!contentEncoding) return undefined;
  const codings = contentEncoding.toLowerCase().split(',').map((coding) => coding.trim());
  if (codings.length > 5) return undefined;
  const decoders: Transform[] = [];
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip(LENIENT));
    else if (coding === 'deflate') decoders.push(new InflateEither());
    else if (coding === 'br') decoders.push(zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
    else if (coding === 'identity' || coding === '') continue;
    else return undefined;
  }
  return decoders.length ? decoders : undefined;
}

/** "Always using Z_SYNC_FLUSH is what cURL does" (fetch): a body a server ended slightly short is still read. */
const LENIENT = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/** `deflate` as fetch reads it: zlib-wrapped, or raw as some servers send it (told apart by the first byte). */
class InflateEither extends Transform {
  private inner?: zlib.Inflate | zlib.InflateRaw;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!chunk.length) return done();
    if (!this.inner) {
      this.inner = (chunk[0] & 0x0f) === 0x08 ? zlib.createInflate(LENIENT) : zlib.createInflateRaw(LENIENT);
      this.inner.on('data', (data: Buffer) => this.push(data));
      this.inner.on('error', (e) => this.destroy(e));
    }
    this.inner.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done();
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.inner?.destroy();
    done(error);
  }
}

/** One header's value, where a repeated one would be ambiguous (Location). */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a whole (small) body as fetch's text() did: UTF-8, a leading BOM dropped. */
export async function bodyText(body: Readable | null): Promise<string> {
  if (!body) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}
