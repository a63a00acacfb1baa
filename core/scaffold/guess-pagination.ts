/**
 * A guessed pagination for a scaffolded stream, from the operation's query parameters, its
 * 200 response fields and headers, with the reason for the guess (for the stream's notes).
 * The order matters: a `next` field holding a URL already carries any cursor, so it wins.
 */
import type { PaginationConfig } from '../config-schema';
import { accessor } from './columns';
import { isObject, propertiesOf, typeOf, type Json } from './openapi';

export interface PaginationGuess {
  pagination?: PaginationConfig;
  reason: string;
}

const CURSOR_PARAM = /(^|[^a-z])(cursor|after|bookmark|page_?token|next_?token|continuation|starting_after)([^a-z]|$)/i;
const CURSOR_FIELD = /^(next|bookmark|next_?cursor|after|cursor|next_?page_?token|next_?token|continuation)$/i;
const NEXT_URL_PATHS = [['next'], ['links', 'next'], ['paging', 'next'], ['_links', 'next'], ['next_page'], ['nextLink'], ['next_url']];

/** String-ish scalar: a string, or a `{ href }`/`{ url }`-free 3.1 nullable string. */
const isString = (s: Json | undefined) => s !== undefined && typeOf(s) === 'string';
const isUrl = (s: Json | undefined) => isString(s) && (s!.format === 'uri' || s!.format === 'url' || /\burl\b|\blink\b/i.test(String(s!.description ?? '')));

/** The schema at a property path of the response, if every step is declared. */
function fieldAt(doc: Json, response: Json, path: string[]): Json | undefined {
  let at: Json | undefined = response;
  for (const name of path) at = at ? propertiesOf(doc, at).find(([n]) => n === name)?.[1] : undefined;
  return at;
}

/** String fields of the response named like a cursor, up to two levels down (`bookmark`, `paging.next.after`, `meta.next_cursor`). */
function cursorFields(doc: Json, response: Json): string[][] {
  const found: string[][] = [];
  const walk = (schema: Json, at: string[]) => {
    for (const [name, s] of propertiesOf(doc, schema)) {
      if (CURSOR_FIELD.test(name) && isString(s)) found.push([...at, name]);
      else if (typeOf(s) === 'object' && at.length < 2) walk(s, [...at, name]);
    }
  };
  walk(response, []);
  return found;
}

const sizeOf = (p: Json | undefined, fallback: number): number => {
  const s = isObject(p?.schema) ? (p!.schema as Json) : {};
  for (const v of [s.maximum, s.default]) if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000) return v;
  return fallback;
};

export function guessPagination(doc: Json, query: Json[], response: Json, headers: Json): PaginationGuess {
  const byName = (re: RegExp) => query.find((p) => re.test(String(p.name)));
  const nextUrl = NEXT_URL_PATHS.find((p) => isUrl(fieldAt(doc, response, p)));
  if (nextUrl)
    return {
      pagination: { kind: 'nextUrl', next: accessor('response', nextUrl) },
      reason: `next URL: the response field ${nextUrl.join('.')} holds a URL (format ${String(fieldAt(doc, response, nextUrl)!.format ?? 'described as a link')}).`,
    };
  const cursorParam = query.find((p) => CURSOR_PARAM.test(String(p.name)));
  const fields = cursorFields(doc, response);
  if (cursorParam && fields.length) {
    const field = fields.find((f) => f[f.length - 1] === cursorParam.name) ?? fields[0];
    return {
      pagination: { kind: 'cursor', next: accessor('response', field), param: String(cursorParam.name) },
      reason: `cursor: the query parameter ${String(cursorParam.name)} and the response field ${field.join('.')}.`,
    };
  }
  const offset = byName(/^(offset|start|skip)$/i);
  const limit = byName(/^(limit|count|max_?results|page_?size|per_?page|size|top)$/i);
  if (offset && limit)
    return {
      pagination: { kind: 'offset', offsetParam: String(offset.name), limitParam: String(limit.name), limit: sizeOf(limit, 100) },
      reason: `offset: the query parameters ${String(offset.name)} and ${String(limit.name)} (limit ${sizeOf(limit, 100)}: the parameter's maximum or default, else 100).`,
    };
  const page = byName(/^(page|page_?number|page_?num|p)$/i);
  if (page) {
    const size = byName(/^(page_?size|per_?page|limit|size|count)$/i);
    const sized = size ? { sizeParam: String(size.name), size: sizeOf(size, 100) } : {};
    return {
      pagination: { kind: 'page', pageParam: String(page.name), ...sized },
      reason: `page: the query parameter ${String(page.name)}${size ? ` with ${String(size.name)}` : ''}; check the first page number (1 assumed).`,
    };
  }
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'link'))
    return { pagination: { kind: 'linkHeader' }, reason: 'Link header: the 200 response declares a Link header (rel="next" assumed).' };
  const loose = NEXT_URL_PATHS.find((p) => isString(fieldAt(doc, response, p)));
  if (loose)
    return {
      pagination: { kind: 'nextUrl', next: accessor('response', loose) },
      reason: `next URL: the response field ${loose.join('.')} is a string not declared as a URL; check it is one.`,
    };
  return { reason: 'none recognised: no cursor, offset, page or next-URL parameters or fields, no Link header; a single call (make it paginated if the vendor pages).' };
}
