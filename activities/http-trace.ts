/**
 * A window onto the vendor calls an activity makes, for the authoring commands (`dif try`,
 * `dif fixtures record`): each request as sent (after signing) and its answer, every text
 * scrubbed of the secrets in play before it leaves the client. Workers never set one, so a
 * run's behaviour is untouched; a trial sets it in its ActivityDeps.
 */
import { Readable } from 'node:stream';
import type { BuiltRequest } from './http-request';
import type { HttpAnswer } from './vendor-http';

export interface HttpExchange {
  method: string;
  /** The URL as sent, secrets scrubbed (a key in the query, a token echoed in a next-page URL). */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Absent when no answer came (a network error or a timeout: `error` says which). */
  status?: number;
  responseHeaders?: Record<string, string>;
  /** The answer's text, scrubbed; only when the trace asks for bodies. */
  responseBody?: string;
  ms: number;
  error?: string;
}

export interface HttpTrace {
  /** Whether exchanges carry the answer's body (read whole first, the run then reading a copy of it as usual). */
  bodies: boolean;
  exchange(exchange: HttpExchange): void;
}

/** Reports one exchange; `scrub` is the client's, knowing every secret of the call. */
export async function traceExchange(
  trace: HttpTrace,
  request: BuiltRequest,
  answer: { response?: HttpAnswer; error?: string },
  startedAt: number,
  scrub: (text: string) => string,
): Promise<void> {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, scrub(value)]));
  const exchange: HttpExchange = { method: request.method, url: scrub(request.url.toString()), headers, ms: Date.now() - startedAt };
  if (request.body !== undefined) exchange.body = scrub(request.body);
  const { response } = answer;
  if (response) {
    exchange.status = response.status;
    // As the client hands them on: a decoded body's content-encoding is gone (vendor-http.ts).
    exchange.responseHeaders = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, scrub(value)]));
    if (trace.bodies) {
      const chunks: Buffer[] = [];
      for await (const chunk of response.body ?? []) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      if (response.body) response.body = Readable.from([bytes]);
      exchange.responseBody = scrub(bytes.toString('utf8').replace(/^\uFEFF/, ''));
    }
  }
  if (answer.error) exchange.error = scrub(answer.error);
  trace.exchange(exchange);
}
