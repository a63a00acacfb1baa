/**
 * What DIF reads in a vendor's error answer beyond its status: the body as a value (JSON, or
 * XML decoded), and a SOAP fault in it. A fault (an XML answer whose Body holds a Fault,
 * sent with 500 as SOAP 1.1 requires) is the service's considered answer, not an outage:
 * final unless `errors.retryWhen` calls it throttling, and its message is the fault's code
 * and reason followed by `errors.message` over the decoded answer (Microsoft's error Code,
 * ErrorCode and Message). Used by VendorClient's failure classification.
 */
import type { ApplicationFailure } from '@temporalio/common';
import type { VendorConfig } from '../core/config-schema';
import { soapFaultOf } from '../core/soap-fault';
import { isXmlContentType, xmlToValue } from '../adapters/decode/xml';
import { usingScope } from '../runtime/expression/expression';
import { finalFailure, retryableFailure } from './failures';

/** Longest vendor text in a failure message, cut after scrubbing so no secret is cut in half unrecognised. */
export const MESSAGE_LIMIT = 500;

/** An error answer's body as a value: JSON, or XML (by its Content-Type) decoded; undefined when it is neither. */
export function parsedAnswer(body: string, contentType: string | undefined): unknown {
  try {
    return isXmlContentType(contentType) ? xmlToValue(body) : JSON.parse(body);
  } catch {
    return undefined; // nothing to judge by
  }
}

/**
 * The failure a SOAP fault makes, or undefined when `document` holds none. `throttled` is
 * the vendor's `errors.retryWhen` over the same answer.
 */
export function soapFaultFailure(
  config: VendorConfig,
  label: string,
  status: number,
  document: unknown,
  scrub: (text: string) => string,
  throttled: boolean,
): ApplicationFailure | undefined {
  const fault = soapFaultOf(document);
  if (!fault) return undefined;
  const vendorText = vendorMessage(config, document, status, label);
  const message = scrub(`${label} answered ${status}: SOAP fault ${fault.code}: ${fault.reason}${vendorText ? ` — ${vendorText}` : ''}`).slice(0, MESSAGE_LIMIT);
  return throttled ? retryableFailure('VendorThrottled', message) : finalFailure('VendorRequestError', message);
}

/** Config `errors.message` over the answer; undefined when there is none, or it cannot read this answer. */
function vendorMessage(config: VendorConfig, document: unknown, status: number, label: string): string | undefined {
  const expression = config.errors?.message;
  if (!expression) return undefined;
  try {
    const value = usingScope({ response: document, status }, (scope) => scope.evaluate(expression, `${config.vendor}: $.errors.message (${label})`));
    return value === undefined || value === null || value === '' ? undefined : String(value);
  } catch {
    return undefined; // the fault's own code and reason still say what happened
  }
}
