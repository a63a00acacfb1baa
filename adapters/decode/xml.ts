/**
 * XML as DIF's expressions and records see it: one JSON value per document, by
 * fast-xml-parser (v5). The mapping, chosen for SOAP and for vendors' report XML:
 *  - namespace prefixes are dropped (`s:Envelope` is `Envelope`), and so are `xmlns`
 *    declarations: configs name elements as the vendor's documentation does;
 *  - an element's text stays a string (`<ReportRequestId>0012…</ReportRequestId>` keeps its
 *    zeros and every digit of a 64-bit id); columns type the values when rows are made;
 *  - attributes are `@name` keys beside the children, text beside attributes is `#text`;
 *  - an element repeated under one parent is an array; once, it is a single value (XML
 *    cannot say which): records selection treats a single value as a list of one;
 *  - an element marked `xsi:nil="true"` is null (`ReportDownloadUrl` when a report is empty),
 *    and `xsi:nil="false"` is dropped, so `<Id i:nil="false">7</Id>` is "7";
 *  - a document type declaration (DTD) is refused: SOAP forbids one, and entities defined
 *    there are the way to billion-laughs expansion.
 * The document is parsed whole, so an XML file is bounded by memory (XML_LIMIT_BYTES).
 */
import { XMLParser } from 'fast-xml-parser';
import { DecodeError } from './common';

/** Largest XML document decoded (parsed whole): SOAP answers and XML reports, not bulk files. */
export const XML_LIMIT_BYTES = 256 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
});

/** The JSON value of an XML document; DecodeError when it is not well-formed XML. */
export function xmlToValue(text: string): unknown {
  if (text.length > XML_LIMIT_BYTES) throw new DecodeError(`is an XML document larger than ${XML_LIMIT_BYTES} bytes, which DIF parses whole`);
  if (/<!DOCTYPE/i.test(text)) throw new DecodeError('is XML with a document type declaration (DTD), which DIF refuses (SOAP forbids one; its entities can expand without bound)');
  let value: unknown;
  try {
    value = parser.parse(text, true);
  } catch (e) {
    throw new DecodeError(`is not well-formed XML: ${xmlReason(e)}`);
  }
  return nilToNull(value);
}

/** True for XML media types: text/xml, application/xml, application/soap+xml, any `+xml`. */
export function isXmlContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'text/xml' || type === 'application/xml' || type.endsWith('+xml');
}

/** A body as JSON text for expressions: XML decoded by `xmlToValue`, anything else as it is. */
export function bodyAsJson(text: string, contentType: string | undefined): string {
  return isXmlContentType(contentType) ? JSON.stringify(xmlToValue(text)) : text;
}

/**
 * `xsi:nil="true"` makes an element null; `xsi:nil="false"` (which .NET services write on
 * every element, Microsoft's `<ReportRequestId i:nil="false">…`) says nothing, so it goes,
 * and an element left with its text alone is that text.
 */
function nilToNull(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(nilToNull);
  if (value === null || typeof value !== 'object') return value;
  const { '@nil': nil, ...rest } = value as Record<string, unknown>;
  if (nil === 'true') return null;
  const keys = Object.keys(rest);
  if (nil !== undefined && keys.length === 0) return '';
  if (nil !== undefined && keys.length === 1 && keys[0] === '#text') return rest['#text'];
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, nilToNull(v)]));
}

/** fast-xml-parser's validation error ends in `:line:column`; said in words. */
function xmlReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const place = /:(\d+):(\d+)$/.exec(message);
  return place ? `${message.slice(0, place.index)} (line ${place[1]}, column ${place[2]})` : message;
}
