/**
 * One vendor request as DIF makes it: rendered from the config, rate-limited across
 * workers, then signed (after the wait, so a time-limited signature is fresh when sent;
 * `$auth{…}` places of an XML body are filled then too), and classified when it fails.
 * 429 and 503 honour Retry-After; other 5xx, 408 and network errors are retried with
 * backoff; other 4xx fail at once with the vendor's message, and so does a SOAP fault
 * (vendor-failure.ts), unless `errors.retryWhen` calls it throttling. A 401 renews OAuth2
 * or session tokens once before giving up. Error bodies are read as JSON, or as XML by their
 * Content-Type. A GraphQL request's answer is read whole: its cost holds the shared limiter
 * (`rateLimit.queryCost`), and an `errors` list fails the call even in a 200.
 * Every message is scrubbed of the secrets and tokens in play.
 */
import { IgnoredItemAnswer, type ItemJudge } from '../steps/dependent/item-errors';
import { pipeline, Readable } from 'node:stream';
import type { RequestConfig, VendorConfig } from '../core/config-schema';
import { usingScope, type ExpressionScope } from '../runtime/expression/expression';
import { retryAfterMs } from '../core/retry-after';
import type { ActivityDeps } from './deps';
import { finalFailure, retryableFailure } from './failures';
import { buildRequest, type BuiltRequest, type RequestExtras } from './http-request';
import { fillAuthPlaces } from './auth-places';
import { MESSAGE_LIMIT, parsedAnswer, soapFaultFailure } from './vendor-failure';
import { soapFaultOf } from '../core/soap-fault';
import { bodyAsJson } from '../adapters/decode/xml';
import { DecodeError } from '../adapters/decode/common';
import { awaitRateLimit, holdRateLimit } from './rate-limit';
import { usageHold } from '../core/usage-headers';
import { usagePolicy } from '../core/usage-headers-grammar';
import { costHold, readCost } from '../core/query-cost';
import { queryCostMaxHoldMs } from '../core/query-cost-grammar';
import { graphqlErrorMessage, graphqlErrors } from '../core/graphql-answer';
import { isScrubbableText, RedactStream } from './redact-stream';
import { scrubNow } from './secret-scope';
import { Scrubber } from './secret-scrub';
import { openSigner } from '../auth/signer-registry';
import type { Signer } from '../auth/signer';
import { traceExchange } from './http-trace';
import { vendorAnswered } from '../runtime/metrics/hooks';
import type { ApplicationFailure } from '@temporalio/common';
import { requestRetryPolicy, type RequestRetryPolicy } from '../core/request-retry';
import { mayHaveArrived, withRequestRetries } from './request-retry';
import { RequestSlots } from './request-slots';
import { guardedBody, logRetry } from './vendor-body';
import { bodyText, sendHttp, type HttpAnswer } from './vendor-http';

export interface VendorResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Readable;
  label: string;
}

export class VendorClient {
  private readonly retryPolicy: RequestRetryPolicy;
  private readonly slots?: RequestSlots;

  private constructor(
    private readonly deps: ActivityDeps,
    readonly config: VendorConfig,
    private readonly customer: string,
    private readonly signer: Signer,
    private readonly stop?: AbortSignal,
  ) {
    this.retryPolicy = requestRetryPolicy(config);
    this.slots = RequestSlots.of(deps, config, customer, timeoutOf(config));
  }

  /**
   * `stop` aborts requests in flight: a holder that lost its permit stops calling the vendor.
   * `inputs`: the customer's, for auth templates that read them.
   */
  static async open(deps: ActivityDeps, config: VendorConfig, customer: string, stop?: AbortSignal, inputs?: Record<string, unknown>): Promise<VendorClient> {
    const signer = await openSigner({ deps, config, customer, timeoutMs: timeoutOf(config), inputs });
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

  /**
   * One request, retried on its own (request-retry.ts, `retry.perRequest`) while it fails
   * transiently before its answer's headers. The body is the caller's to read: a body that
   * breaks off fails with a retryable VendorUnavailable, but only `request` (below) can send
   * the request again for it.
   */
  async send(spec: RequestConfig, scope: ExpressionScope, where: string, extras: RequestExtras = {}, authenticate = true): Promise<VendorResponse> {
    return this.request(spec, scope, where, async (response) => response, extras, authenticate);
  }

  /**
   * One request and the reading of its answer (`consume`: read the page, store it), retried
   * together: a connection reset mid-body or a body slower than `timeoutSeconds` sends the
   * request again, as a 429 or a 503 does, so `consume` must store nothing partial that a
   * later attempt would not overwrite. Failures `consume` itself raises go through the same
   * loop (a gateway's HTML page in a 200 is retried here).
   */
  async request<T>(
    spec: RequestConfig,
    scope: ExpressionScope,
    where: string,
    consume: (response: VendorResponse) => Promise<T>,
    extras: RequestExtras = {},
    authenticate = true,
  ): Promise<T> {
    let built: BuiltRequest;
    try {
      built = buildRequest(this.config, spec, scope, where, extras);
    } catch (e) {
      throw finalFailure('ConfigError', (e as Error).message);
    }
    return withRequestRetries(
      this.retryPolicy,
      async () => {
        const { response, broken } = await this.sendOnce(built, spec, where, extras, authenticate);
        try {
          return await consume(response);
        } catch (e) {
          response.body.destroy(); // gives the request's slot back when the body was not read to its end
          // The body broke off: whatever the reader made of that (a store's own error), it is the vendor's.
          throw broken() ?? e;
        }
      },
      {
        stop: this.stop,
        onRetry: (failure, attempt, waitMs) => logRetry(failure.message, attempt, this.retryPolicy.maxAttempts, waitMs),
        ...(extras.atMostOnce ? { notAgain: mayHaveArrived } : {}),
      },
    );
  }

  private async sendOnce(
    built: BuiltRequest,
    spec: RequestConfig,
    where: string,
    extras: RequestExtras,
    authenticate: boolean,
  ): Promise<{ response: VendorResponse; broken: () => ApplicationFailure | undefined }> {
    // `auth: "none"`: a pre-signed URL or a link found in a body gets no vendor credentials.
    const signed = authenticate && spec.auth !== 'none';
    const cost = spec.cost ?? 1;
    for (let attempt = 1; ; attempt++) {
      const request = { ...built, headers: { ...built.headers }, url: new URL(built.url) };
      // `cost: 0`: a request that is not the vendor's to count (a pre-signed file elsewhere).
      if (cost > 0) await awaitRateLimit(this.deps.redis, this.config, this.customer, cost);
      if (signed) await this.signer.sign(request);
      // What signing set or changed: credentials, never sent on to another origin by a redirect.
      const signedHeaders = new Set(Object.keys(request.headers).filter((name) => request.headers[name] !== built.headers[name]));
      if (request.bodyPieces) {
        // Checked by validation too; a per-request `auth: none` must never be handed a credential.
        if (!signed) throw finalFailure('ConfigError', `${where}: the body places credentials ($auth{…}) but the request sends no vendor auth`);
        await fillAuthPlaces(request, this.signer, this.config.auth.kind);
      }
      // The vendor's limit on requests in flight: held from here until the answer is read.
      const release = (await this.slots?.take(this.stop)) ?? (() => undefined);
      let handedOver = false;
      try {
        const response = await this.send1(request, signedHeaders);
        const { headers } = response;
        await this.heedUsage(headers);
        if (response.status === 401 && signed && attempt === 1 && this.signer.renew()) {
          response.body?.destroy();
          continue; // once, with a fresh token
        }
        if (response.status < 200 || response.status > 299) throw await this.failure(request, response, spec.graphql !== undefined, extras.judgeError);
        if (!response.body) throw retryableFailure('VendorError', `${request.label} answered ${response.status} with no body`);
        if (spec.graphql) return { response: await this.graphqlAnswer(request, response, headers), broken: () => undefined };
        const guarded = guardedBody(response.body, request.label, (text) => this.scrub(text), release);
        handedOver = true;
        return { response: { status: response.status, headers, body: guarded.body, label: request.label }, broken: guarded.broken };
      } finally {
        if (!handedOver) release();
      }
    }
  }

  /**
   * The vendor's usage headers, near its limit, hold every worker's next request until the
   * reset it gives (429s included: their headers say how long). A Redis failure here is
   * the limiter's, not the request's: the answer is still used.
   */
  private async heedUsage(headers: Record<string, string>): Promise<void> {
    const usage = this.config.rateLimit?.usageHeaders;
    if (!usage) return;
    const hold = usageHold(usagePolicy(usage), headers, Date.now());
    if (hold) await holdRateLimit(this.deps.redis, this.config, this.customer, hold.holdMs).catch(() => false);
  }

  /**
   * A GraphQL answer, read whole (one page of a connection, bounded by its `first`): its
   * cost holds the shared limiter before the next query, and a non-empty `errors` fails
   * the call with the vendor's messages, retryably (after the cost model's wait) when
   * `errors.retryWhen` says it is throttling, as Shopify's THROTTLED is.
   */
  private async graphqlAnswer(request: BuiltRequest, response: HttpAnswer, headers: Record<string, string>): Promise<VendorResponse> {
    let text: string;
    try {
      text = await bodyText(response.body);
    } catch (e) {
      throw retryableFailure('VendorUnavailable', this.scrub(`${request.label}: the answer broke off while it was read: ${(e as Error).message}`));
    }
    const answer = parseJson(text);
    if (answer === undefined) {
      throw retryableFailure('VendorError', `${request.label} answered ${response.status} with a body that is not JSON: ${this.scrub(text).slice(0, 200)}`);
    }
    const waitMs = await this.heedCost(answer);
    const errors = graphqlErrors(answer);
    if (errors.length) {
      const message = `${request.label} answered ${response.status} with GraphQL errors: ${this.scrub(graphqlErrorMessage(errors)).slice(0, 1000)}`;
      if (this.throttledBy(answer, response.status, request.label)) throw retryableFailure('VendorThrottled', message, waitMs);
      throw finalFailure('VendorRequestError', message);
    }
    return { status: response.status, headers, body: Readable.from([Buffer.from(text)]), label: request.label };
  }

  /**
   * The cost a GraphQL answer reports (`rateLimit.queryCost`) holds every worker's next
   * request until the bucket has refilled enough for another query like it; returns that
   * wait, the retry delay of a throttled answer. A Redis failure is the limiter's, not the
   * request's.
   */
  private async heedCost(answer: unknown): Promise<number | undefined> {
    const model = this.config.rateLimit?.queryCost;
    if (!model) return undefined;
    const reading = readCost(model.format, answer);
    const hold = reading && costHold(reading, queryCostMaxHoldMs(model));
    if (!hold) return undefined;
    await holdRateLimit(this.deps.redis, this.config, this.customer, hold.holdMs).catch(() => false);
    return hold.holdMs;
  }

  /** The signer's secrets, tokens and Basic pairs, for stored response bodies (short secrets left alone: they are data there). */
  private bodyScrubber(): Scrubber {
    const { values, pairs } = this.signer.held();
    const scrubber = new Scrubber(values, { dataSafe: true });
    for (const [a, b] of pairs) scrubber.addPair(a, b);
    return scrubber;
  }

  /**
   * Sends the signed request (vendor-http.ts: undici's `request`, redirects followed), under
   * the stop signal and `timeoutSeconds`, which cover the body's reading too. `signedHeaders`
   * and any header carrying a secret are not sent on to another origin by a redirect.
   */
  private async send1(request: BuiltRequest, signedHeaders: Set<string>): Promise<HttpAnswer> {
    const startedAt = Date.now();
    const trace = this.deps.trace;
    const timeout = AbortSignal.timeout(timeoutOf(this.config));
    try {
      const response = await sendHttp({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        signal: this.stop ? AbortSignal.any([this.stop, timeout]) : timeout,
        sensitive: (name, value) => signedHeaders.has(name) || this.scrub(value) !== value,
      });
      vendorAnswered(this.config.vendor, response.status, response.headers['retry-after'] ?? null);
      if (trace) await traceExchange(trace, request, { response }, startedAt, (text) => this.scrub(text));
      return response;
    } catch (e) {
      const cause = causeCode(e);
      vendorAnswered(this.config.vendor, 'network');
      if (trace) await traceExchange(trace, request, { error: String(cause) }, startedAt, (text) => this.scrub(text)).catch(() => undefined);
      throw retryableFailure('VendorUnavailable', this.scrub(`${request.label} on ${request.url.host} failed: ${cause}`));
    }
  }

  private async failure(request: BuiltRequest, response: HttpAnswer, graphql: boolean, judge?: ItemJudge) {
    const body = await bodyText(response.body).catch(() => '');
    const parsed = parsedAnswer(body, response.headers['content-type']);
    // A dependent step's rule for this answer comes first: an item deleted since it was listed is not the run's failure.
    const outcome = judge?.(response.status, parsed);
    if (outcome) {
      const message = `${request.label} answered ${response.status}: ${this.scrub(body).slice(0, MESSAGE_LIMIT)}`;
      if (outcome === 'ignore') return new IgnoredItemAnswer(response.status, message);
      return outcome === 'retry' ? retryableFailure('VendorError', message) : finalFailure('VendorRequestError', message);
    }
    // A GraphQL vendor may report its cost in an error answer too (a 429 THROTTLED): it sets the wait.
    const costWaitMs = graphql && parsed !== undefined ? await this.heedCost(parsed) : undefined;
    if (response.status !== 429 && response.status !== 503 && soapFaultOf(parsed)) {
      const throttled = this.throttledBy(parsed, response.status, request.label);
      return soapFaultFailure(this.config, request.label, response.status, parsed, (text) => this.scrub(text), throttled)!;
    }
    // Scrubbed before it is cut: a secret cut in half would no longer be recognised.
    const message = `${request.label} answered ${response.status}: ${this.scrub(body).slice(0, MESSAGE_LIMIT)}`;
    if (response.status === 429 || response.status === 503) {
      return retryableFailure('VendorThrottled', message, retryAfterMs(response.headers['retry-after'], Date.now()) ?? costWaitMs);
    }
    if (response.status >= 500 || response.status === 408) return retryableFailure('VendorError', message);
    if (parsed !== undefined && this.throttledBy(parsed, response.status, request.label)) return retryableFailure('VendorThrottled', message, costWaitMs);
    return finalFailure('VendorRequestError', message);
  }

  /**
   * Config `errors.retryWhen` over a parsed answer: a 4xx JSON body (Meta throttles with a
   * 400, codes 17, 613, 80000…) or a GraphQL answer with errors (Shopify's THROTTLED).
   */
  private throttledBy(parsed: unknown, status: number, label: string): boolean {
    const retryWhen = this.config.errors?.retryWhen;
    if (!retryWhen) return false;
    try {
      return usingScope({ response: parsed, status }, (scope) => Boolean(scope.evaluate(retryWhen, `${this.config.vendor}: $.errors.retryWhen (${label})`)));
    } catch {
      return false; // an expression that cannot read this body does not make the error transient
    }
  }
}

/** The body as JSON, or undefined when it is not JSON (nothing to judge by). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What a failed send is called in its message, as fetch's cause named it: a system or undici
 * code (ECONNREFUSED, UND_ERR_SOCKET), else the error's name (TimeoutError, AbortError).
 */
function causeCode(e: unknown): string {
  const error = e as { code?: unknown; name?: string; cause?: { code?: unknown } };
  if (typeof error?.code === 'string') return error.code;
  if (typeof error?.cause?.code === 'string') return error.cause.code;
  return error?.name ?? String(e);
}

function timeoutOf(config: VendorConfig): number {
  return (config.timeoutSeconds ?? 60) * 1000;
}

/**
 * A whole (small) answer as JSON text for expressions: an XML answer (SOAP, by its
 * Content-Type) decoded to JSON (adapters/decode/xml.ts), any other as it came. XML that is
 * not well formed fails finally: a retry would read the same answer.
 */
export async function readJsonText(response: VendorResponse): Promise<string> {
  const text = await readText(response.body);
  try {
    return bodyAsJson(text, response.headers['content-type']);
  } catch (e) {
    if (e instanceof DecodeError) throw finalFailure('DataError', `${response.label}: the answer ${e.message}`);
    throw e;
  }
}

/** Reads a whole (small) response body as text: poll and submit answers, not data pages. */
export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  // A UTF-8 BOM before a JSON or XML answer is not part of it (JSON.parse refuses one).
  return Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
}
