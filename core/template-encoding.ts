/**
 * How a template value is written into the place it goes, so that a value can never change
 * the shape of what surrounds it: a customer input of `../../admin/users?all=1#` in a path
 * stays one path segment (`..%2F..%2Fadmin%2Fusers%3Fall%3D1%23`), and a header value
 * cannot start a new header. `$raw{…}` opts out (validation reports every use).
 *
 * Positions:
 *  - `path`: a URL path, maybe with a query (request.path). Values are percent-encoded as
 *    one path segment, or as a query component once the text has passed a "?"; a segment
 *    value that is exactly "." or ".." is refused, because URL parsing would resolve it.
 *    So a config writes `${inputs.site_url}`, not `${encodeURIComponent(inputs.site_url)}`.
 *  - `url`: a whole URL (request.url, auth.tokenUrl). As `path`, except that a value at the
 *    very start is the base and is inserted as it is (the result must still parse as a URL).
 *  - `header`: a header value; CR, LF and NUL are refused.
 *  - `text`: inserted as is, because what receives it encodes it (query values go through
 *    URLSearchParams, form fields likewise, JSON bodies through JSON.stringify).
 *  - `xml`: XML character data or an attribute value (request.xml, a SOAP envelope): `&`,
 *    `<`, `>`, `"` and `'` become entities, so a value can never open or close an element;
 *    characters XML 1.0 cannot carry at all (NUL and the other C0 controls but tab, LF, CR)
 *    are refused.
 * Pure; no I/O.
 */
export type TemplatePosition = 'path' | 'url' | 'header' | 'text' | 'xml';

/** Where a value sits inside a `url` template, from the text before it. */
export interface UrlContext {
  atStart: boolean;
  inQuery: boolean;
}

/** `value` as it may stand at `position`; throws an Error saying why when it may not. */
export function encodeTemplateValue(value: string, position: TemplatePosition, url?: UrlContext): string {
  switch (position) {
    case 'text':
      return value;
    case 'header':
      if (/[\r\n\0]/.test(value)) throw new Error('the value holds a line break or NUL, which a header value cannot carry');
      return value;
    case 'url':
      if (url?.atStart) return value;
      return url?.inQuery ? encodeURIComponent(value) : pathSegment(value);
    case 'path':
      return url?.inQuery ? encodeURIComponent(value) : pathSegment(value);
    case 'xml':
      return escapeXml(value);
  }
}

/** The five characters XML text and attribute values must not carry as they are. */
export const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** `value` as XML text or attribute value; throws when it holds a character XML 1.0 forbids. */
export function escapeXml(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(value)) throw new Error('the value holds a control character, which XML 1.0 cannot carry');
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES[c]);
}

function pathSegment(value: string): string {
  if (value === '.' || value === '..') throw new Error(`the value is "${value}", which would move the request to another path`);
  return encodeURIComponent(value);
}
