/**
 * What a vendor's error answer means: retryable or final, and the message the run fails
 * with. 429 and 503 are throttling (Retry-After honoured); other 5xx and 408 are retried;
 * other 4xx fail at once, unless `errors.retryWhen` says the body is throttling (Meta
 * throttles with a 400). A SOAP fault (an XML answer whose Body holds a Fault, sent with
 * 500 as SOAP 1.1 requires) is the service's considered answer, not an outage: final unless
 * `errors.retryWhen` holds, and its message is the fault's code and reason followed by
 * `errors.message` over the decoded answer (Microsoft's error Code and Message).
 * Every message is scrubbed before it is cut, so no secret is cut in half unrecognised.
 */
import type { VendorConfig } from '../core/config-schema';
import { retryAfterMs } from '../core/retry-after';
import { soapFaultOf } from '../core/soap-fault';
import { isXmlContentType, xmlToValue } from '../adapters/decode/xml';
import { usingScope } from '../runtime/expression/expression';
import { finalFailure, retryableFailure } from './failures';

const MESSAGE_LIMIT = 500;

export async function vendorFailure(config: VendorConfig, label: string, response: Response, scrub: (text: string) => string) {
  const body = await response.text().catch(() => '');
  const { status } = response;
  const document = parsed(body, response.headers.get('content-type') ?? undefined);
  const fault = status === 429 || status === 503 ? undefined : soapFaultOf(document);
  if (fault) {
    const vendorText = textOf(evaluated(config, config.errors?.message, document, status, `$.errors.message (${label})`));
    const message = `${label} answered ${status}: SOAP fault ${fault.code}: ${fault.reason}${vendorText ? ` — ${vendorText}` : ''}`;
    const cut = scrub(message).slice(0, MESSAGE_LIMIT);
    return throttled(config, document, status, label) ? retryableFailure('VendorThrottled', cut) : finalFailure('VendorRequestError', cut);
  }
  const message = `${label} answered ${status}: ${scrub(body).slice(0, MESSAGE_LIMIT)}`;
  if (status === 429 || status === 503) return retryableFailure('VendorThrottled', message, retryAfterMs(response.headers.get('retry-after'), Date.now()));
  if (status >= 500 || status === 408) return retryableFailure('VendorError', message);
  if (throttled(config, document, status, label)) return retryableFailure('VendorThrottled', message);
  return finalFailure('VendorRequestError', message);
}

/** The body as a value: JSON, or XML decoded; undefined when it is neither. */
function parsed(body: string, contentType: string | undefined): unknown {
  try {
    return isXmlContentType(contentType) ? xmlToValue(body) : JSON.parse(body);
  } catch {
    return undefined; // nothing to judge by
  }
}

/** Config `errors.retryWhen` over the body: vendors that throttle with a 4xx or a SOAP fault. */
function throttled(config: VendorConfig, document: unknown, status: number, label: string): boolean {
  return Boolean(evaluated(config, config.errors?.retryWhen, document, status, `$.errors.retryWhen (${label})`));
}

const textOf = (value: unknown): string | undefined => (value === undefined || value === null || value === '' ? undefined : String(value));

function evaluated(config: VendorConfig, expression: string | undefined, document: unknown, status: number, where: string): unknown {
  if (!expression || document === undefined) return undefined;
  try {
    return usingScope({ response: document, status }, (scope) => scope.evaluate(expression, `${config.vendor}: ${where}`));
  } catch {
    return undefined; // an expression that cannot read this body neither makes the error transient nor hides it
  }
}
