/**
 * A vendor answer's body as VendorClient hands it out: a failure while it is read (the
 * connection reset mid-body, the request's timeout running out on a slow body) becomes a
 * retryable VendorUnavailable naming the request, so that the per-request retry
 * (request-retry.ts) sends the request again instead of the activity failing on a bare
 * "terminated"; and the request's concurrency slot is given back when the body ends, fails
 * or is dropped.
 */
import { Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import type { ApplicationFailure } from '@temporalio/common';
import { retryableFailure } from './failures';

export interface GuardedBody {
  body: Readable;
  /** The failure the body broke off with, once it has. */
  broken(): ApplicationFailure | undefined;
}

export function guardedBody(source: Readable, label: string, scrub: (text: string) => string, release: () => void): GuardedBody {
  let failure: ApplicationFailure | undefined;
  // The body may break off before anyone reads it (the reader still awaits something else):
  // the error stays on the stream for the reader to find, instead of being an uncaught 'error' event.
  source.on('error', () => undefined);
  async function* read() {
    try {
      for await (const chunk of source) yield chunk as Buffer;
    } catch (e) {
      failure = retryableFailure('VendorUnavailable', scrub(`${label}: the answer broke off while it was read: ${causeOf(e)}`));
      throw failure;
    } finally {
      source.destroy();
      release();
    }
  }
  return { body: Readable.from(read(), { objectMode: false }), broken: () => failure };
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const error = e as Error & { code?: unknown };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `${error.name} (timeoutSeconds ran out, or the job stopped)`;
  // undici's own error (UND_ERR_SOCKET for a reset), or, under a wrapper, its cause's.
  const code = typeof error?.code === 'string' ? error.code : undefined;
  return cause?.code ?? code ?? cause?.message ?? error?.message ?? String(e);
}

/** One line in the activity's log per request sent again; nothing outside an activity. */
export function logRetry(message: string, attempt: number, of: number, waitMs: number): void {
  try {
    Context.current().log.info(`request attempt ${attempt} of ${of} failed, sending it again in ${waitMs} ms: ${message.slice(0, 300)}`);
  } catch {
    // Outside an activity (unit tests, benchmarks): no log to write to.
  }
}
