/**
 * One vendor request as DIF makes it: rendered from the config, rate-limited across
 * workers, then signed (after the wait, so a time-limited signature is fresh when sent),
 * and classified when it fails. 429 and 503 honour Retry-After;
 * other 5xx, 408 and network errors are retried with backoff; other 4xx fail at once with
 * the vendor's message. A 401 renews OAuth2 or session tokens once before giving up.
 * Every message is scrubbed of the secrets and tokens in play.
 */
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { RequestConfig, VendorConfig } from '../core/config-schema';
import { usingScope, type ExpressionScope } from '../runtime/expression/expression';
import { retryAfterMs } from '../core/retry-after';
import type { ActivityDeps } from './deps';
import { finalFailure, retryableFailure } from './failures';
import { buildRequest, type BuiltRequest, type RequestExtras } from './http-request';
import { awaitRateLimit, holdRateLimit } from './rate-limit';
import { usageHold } from '../core/usage-headers';
import { usagePolicy } from '../core/usage-headers-grammar';
import { isScrubbableText, RedactStream } from './redact-stream';
import { scrubNow } from './secret-scope';
import { Scrubber } from './secret-scrub';
import { openSigner } from '../auth/signer-registry';
import type { Signer } from '../auth/signer';

export interface VendorResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Readable;
  label: string;
}

export class VendorClient {
  private constructor(
    private readonly deps: ActivityDeps,
    readonly config: VendorConfig,
    private readonly customer: string,
    private readonly signer: Signer,
    private readonly stop?: AbortSignal,
  ) {}

  /** `stop` aborts requests in flight: a holder that lost its permit stops calling the vendor. */
  static async open(deps: ActivityDeps, config: VendorConfig, customer: string, stop?: AbortSignal): Promise<VendorClient> {
    const signer = await openSigner({ deps, config, customer, timeoutMs: timeoutOf(config) });
    return new VendorClient(deps, config, customer, signer, stop);
  }

  /**
   * Scrubs every secret of this activity from a message, in every spelling (the scope's
   * secrets and this session's). Failures are scrubbed again as they leave the activity;
   * this is for texts kept otherwise (a job's failure reason, a stored message).
   */
  scrub(text: string): string {
    // One pass with the scope's scrubber, which also knows the Basic pairs, so they are taken whole.
    return scrubNow(text, this.signer.held().values);
  }

  /** The response body with every secret value scrubbed, where the body is text. */
  scrubbed(response: VendorResponse): Readable {
    if (!isScrubbableText(response.headers['content-type'], response.headers['content-encoding'])) return response.body;
    const scrubber = this.bodyScrubber();
    return scrubber.isEmpty ? response.body : pipeline(response.body, new RedactStream(scrubber), () => undefined);
  }

  async send(spec: RequestConfig, scope: ExpressionScope, where: string, extras: RequestExtras = {}, authenticate = true): Promise<VendorResponse> {
    let built: BuiltRequest;
    try {
      built = buildRequest(this.config, spec, scope, where, extras);
    } catch (e) {
      throw finalFailure('ConfigError', (e as Error).message);
    }
    // `auth: "none"`: a pre-signed URL or a link found in a body gets no vendor credentials.
    const signed = authenticate && spec.auth !== 'none';
    const cost = spec.cost ?? 1;
    for (let attempt = 1; ; attempt++) {
      const request = { ...built, headers: { ...built.headers }, url: new URL(built.url) };
      // `cost: 0`: a request that is not the vendor's to count (a pre-signed file elsewhere).
      if (cost > 0) await awaitRateLimit(this.deps.redis, this.config, this.customer, cost);
      if (signed) await this.signer.sign(request);
      const response = await this.fetch(request);
      await this.heedUsage(response.headers);
      if (response.status === 401 && signed && attempt === 1 && this.signer.renew()) {
        await response.body?.cancel().catch(() => undefined);
        continue; // once, with a fresh token
      }
      if (!response.ok) throw await this.failure(request, response);
      if (!response.body) throw retryableFailure('VendorError', `${request.label} answered ${response.status} with no body`);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      return { status: response.status, headers, body: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), label: request.label };
    }
  }

  /**
   * The vendor's usage headers, near its limit, hold every worker's next request until the
   * reset it gives (429s included: their headers say how long). A Redis failure here is
   * the limiter's, not the request's: the answer is still used.
   */
  private async heedUsage(headers: Headers): Promise<void> {
    const usage = this.config.rateLimit?.usageHeaders;
    if (!usage) return;
    const hold = usageHold(usagePolicy(usage), Object.fromEntries(headers), Date.now());
    if (hold) await holdRateLimit(this.deps.redis, this.config, this.customer, hold.holdMs).catch(() => false);
  }

  /** The signer's secrets, tokens and Basic pairs, for stored response bodies (short secrets left alone: they are data there). */
  private bodyScrubber(): Scrubber {
    const { values, pairs } = this.signer.held();
    const scrubber = new Scrubber(values, { dataSafe: true });
    for (const [a, b] of pairs) scrubber.addPair(a, b);
    return scrubber;
  }

  private async fetch(request: BuiltRequest): Promise<Response> {
    try {
      return await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: this.stop ? AbortSignal.any([this.stop, AbortSignal.timeout(timeoutOf(this.config))]) : AbortSignal.timeout(timeoutOf(this.config)),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      throw retryableFailure('VendorUnavailable', this.scrub(`${request.label} on ${request.url.host} failed: ${cause}`));
    }
  }

  private async failure(request: BuiltRequest, response: Response) {
    const body = await response.text().catch(() => '');
    // Scrubbed before it is cut: a secret cut in half would no longer be recognised.
    const message = `${request.label} answered ${response.status}: ${this.scrub(body).slice(0, 500)}`;
    if (response.status === 429 || response.status === 503) {
      return retryableFailure('VendorThrottled', message, retryAfterMs(response.headers.get('retry-after'), Date.now()));
    }
    if (response.status >= 500 || response.status === 408) return retryableFailure('VendorError', message);
    if (this.throttledIn(body, response.status, request.label)) return retryableFailure('VendorThrottled', message);
    return finalFailure('VendorRequestError', message);
  }

  /** Config `errors.retryWhen` over a 4xx JSON body: vendors that throttle with a 400 (Meta codes 17, 613, 80000…). */
  private throttledIn(body: string, status: number, label: string): boolean {
    const retryWhen = this.config.errors?.retryWhen;
    if (!retryWhen) return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return false; // not JSON: nothing to judge by
    }
    try {
      return usingScope({ response: parsed, status }, (scope) => Boolean(scope.evaluate(retryWhen, `${this.config.vendor}: $.errors.retryWhen (${label})`)));
    } catch {
      return false; // an expression that cannot read this body does not make the error transient
    }
  }
}

function timeoutOf(config: VendorConfig): number {
  return (config.timeoutSeconds ?? 60) * 1000;
}

/** Reads a whole (small) response body as text: poll and submit answers, not data pages. */
export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
