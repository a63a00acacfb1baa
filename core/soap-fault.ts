/**
 * A SOAP fault in an answer, as XML decoding gives it (adapters/decode/xml.ts: prefixes
 * dropped, text beside attributes under `#text`): SOAP 1.1 `Envelope/Body/Fault` with
 * `faultcode` and `faultstring`, or SOAP 1.2 with `Code/Value` and `Reason/Text`. The
 * vendor's own detail (Microsoft's AdApiFaultDetail and ApiFaultDetail errors) is read by
 * the config's `errors.message`, so no vendor's shape is known here. Pure.
 */
export interface SoapFault {
  /** `s:Server`, `soap:Client`, `env:Sender`…, as sent. */
  code: string;
  /** The human-readable reason, as sent. */
  reason: string;
}

/** The fault a decoded answer carries, or undefined when it carries none. */
export function soapFaultOf(document: unknown): SoapFault | undefined {
  const fault = at(at(at(document, 'Envelope'), 'Body'), 'Fault');
  if (fault === undefined || fault === null) return undefined;
  const code = textOf(at(fault, 'faultcode')) ?? textOf(at(at(fault, 'Code'), 'Value')) ?? '(no fault code)';
  const reason = textOf(at(fault, 'faultstring')) ?? textOf(at(at(fault, 'Reason'), 'Text')) ?? '(no reason given)';
  return { code, reason };
}

function at(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/** An element's text: a string, text beside attributes (`#text`), or the first of several (SOAP 1.2 Reason/Text per language). */
function textOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'string') return value;
  const text = at(value, '#text');
  return typeof text === 'string' ? text : undefined;
}
