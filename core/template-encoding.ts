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
 * Pure; no I/O.
 */
export type TemplatePosition = 'path' | 'url' | 'header' | 'text';

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
  }
}

function pathSegment(value: string): string {
  if (value === '.' || value === '..') throw new Error(`the value is "${value}", which would move the request to another path`);
  return encodeURIComponent(value);
}
