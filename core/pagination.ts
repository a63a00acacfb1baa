/**
 * The decisions of a pagination, free of I/O: what the first request carries, what the next
 * one carries given what the last response said, and when to stop. The activity evaluates
 * the config's expressions and feeds their values in here.
 */
import type { PaginationConfig, StopRuleConfig } from './config-schema';

/** Where a pagination stands: enough to resume it after a crash. */
export interface PageState {
  /** 1-based number of the page about to be fetched. */
  page: number;
  /** Records received so far. */
  received: number;
  cursor?: string;
  offset?: number;
  pageNumber?: number;
  /** Absolute URL of the next page (nextUrl and linkHeader kinds). */
  url?: string;
  /** After a `restart`: the value the current pagination starts from (`page.anchor` in requests). */
  anchor?: string;
}

/** What the activity observed on the page just fetched. */
export interface PageObservation {
  records: number;
  /** Value of `pagination.next` (cursor or nextUrl kinds). */
  next?: unknown;
  /** The response's Link header (linkHeader kind). */
  link?: string | null;
  /** Value of `stop.when`. */
  stopWhen?: unknown;
  /** Value of `stop.total`. */
  total?: unknown;
  /** Value of an offset pagination's `advanceBy`: the items the page held, when records are not one per item. */
  items?: number;
  /** The value of `restart.anchor` when `restart.when` held: the pagination starts over from it. */
  restart?: string;
}

export type PageDecision = { next: PageState } | { done: string };

/**
 * Why a restart cannot help, or undefined: an anchor that does not move past the last one
 * would start the same query again, for ever (more records share one value than the cap).
 */
export function restartStalls(state: PageState, anchor: unknown): string | undefined {
  if (anchor === undefined || anchor === null || anchor === '') return 'restart.anchor gave no value';
  if (state.anchor !== undefined && String(anchor) === state.anchor) {
    return `restart.anchor gave ${JSON.stringify(String(anchor)).slice(0, 100)} again: more records share that value than one query returns, so starting over from it would loop`;
  }
  return undefined;
}

export function firstPage(pagination: PaginationConfig | undefined): PageState {
  const state: PageState = { page: 1, received: 0 };
  if (pagination?.kind === 'offset') state.offset = pagination.start ?? 0;
  if (pagination?.kind === 'page') state.pageNumber = pagination.start ?? 1;
  return state;
}

/** Parameters the pagination adds to a request, and where. */
export function pageParameters(pagination: PaginationConfig | undefined, state: PageState): {
  query: Record<string, string>;
  body: Record<string, unknown>;
  variables: Record<string, unknown>;
  url?: string;
} {
  const query: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  const variables: Record<string, unknown> = {};
  const put = (where: 'query' | 'body' | 'variables' | undefined, name: string, value: string | number) => {
    if (where === 'body') body[name] = value;
    else if (where === 'variables') variables[name] = value;
    else query[name] = String(value);
  };
  if (!pagination) return { query, body, variables };
  switch (pagination.kind) {
    case 'cursor':
      if (state.cursor !== undefined) put(pagination.in, pagination.param, state.cursor);
      break;
    case 'offset':
      put(pagination.in, pagination.offsetParam, state.offset ?? 0);
      put(pagination.in, pagination.limitParam, pagination.limit);
      break;
    case 'page':
      put(pagination.in, pagination.pageParam, state.pageNumber ?? 1);
      if (pagination.sizeParam && pagination.size) put(pagination.in, pagination.sizeParam, pagination.size);
      break;
    case 'nextUrl':
    case 'linkHeader':
      break;
  }
  return { query, body, variables, url: state.url };
}

const present = (v: unknown): v is string | number => (typeof v === 'string' && v !== '') || typeof v === 'number';

/** RFC 8288: the target of rel="next" in a Link header, if any. */
export function linkNext(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2])) return m[1];
  }
  return undefined;
}

/**
 * Decides the page after `state`. `baseUrl` resolves relative next URLs. Stops, in order:
 * a `stop.when` that holds, an empty page (unless disabled), a reached total, the page cap,
 * and the pagination running out (no cursor, no next link, a short offset page).
 */
export function nextPage(
  pagination: PaginationConfig | undefined,
  stop: StopRuleConfig | undefined,
  maxPages: number | undefined,
  state: PageState,
  seen: PageObservation,
  baseUrl: string,
): PageDecision {
  // -1: a page whose records cannot be counted before decoding (CSV, NDJSON).
  const received = state.received + Math.max(0, seen.records);
  if (!pagination) return { done: 'single call' };
  if (stop?.when && seen.stopWhen) return { done: 'stop.when held' };
  if ((stop?.onEmptyPage ?? true) && seen.records === 0) return { done: 'empty page' };
  if (stop?.total !== undefined && Number.isFinite(Number(seen.total)) && received >= Number(seen.total)) {
    return { done: `total of ${Number(seen.total)} records reached` };
  }
  if (maxPages !== undefined && state.page >= maxPages) return { done: `page cap of ${maxPages} reached` };
  // A capped query starts over from its anchor: a first page again, numbered on.
  if (seen.restart !== undefined) return { next: { ...firstPage(pagination), page: state.page + 1, received, anchor: seen.restart } };
  const base: PageState = { page: state.page + 1, received, ...(state.anchor !== undefined ? { anchor: state.anchor } : {}) };
  switch (pagination.kind) {
    case 'cursor':
      return present(seen.next) ? { next: { ...base, cursor: String(seen.next) } } : { done: 'no next cursor' };
    case 'nextUrl':
      return present(seen.next) ? { next: { ...base, url: new URL(String(seen.next), baseUrl).toString() } } : { done: 'no next URL' };
    case 'linkHeader': {
      const next = linkNext(seen.link);
      return next ? { next: { ...base, url: new URL(next, baseUrl).toString() } } : { done: 'no rel="next" link' };
    }
    case 'offset': {
      const items = seen.items ?? seen.records;
      if (items < pagination.limit && stop?.total === undefined) return { done: 'short page' };
      return { next: { ...base, offset: (state.offset ?? 0) + items } };
    }
    case 'page':
      if (pagination.size && seen.records < pagination.size && stop?.total === undefined && !stop?.when) {
        return { done: 'short page' };
      }
      return { next: { ...base, pageNumber: (state.pageNumber ?? 1) + 1 } };
  }
}
