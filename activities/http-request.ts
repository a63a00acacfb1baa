import { withBodyParameters } from '../core/body-paths';
import { jsonValueProblem, typedLeafExpression, VALUE_KEY } from '../core/body-values';
import type { RequestConfig, VendorConfig } from '../core/config-schema';
import type { AuthPlace, ExpressionScope } from '../runtime/expression/expression';
import { graphqlBody } from './graphql-request';

export interface BuiltRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /**
   * A body with `$auth{…}` places still open (an XML body carrying a token): the client
   * has them filled by the signer after the rate-limit wait, and only then sets `body`.
   */
  bodyPieces?: (string | AuthPlace)[];
  /** Method and path only: safe to show in errors and the Web UI (no query, which may hold a key). */
  label: string;
}

/** What a pagination adds on top of the configured request. */
import type { ItemJudge } from '../steps/dependent/item-errors';

export interface RequestExtras {
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** GraphQL variables (a cursor with `pagination.in: "variables"`), over the configured ones. */
  variables?: Record<string, unknown>;
  /** Replaces the configured URL entirely (next-page URLs). */
  url?: string;
  /** A dependent step's per-item rules over an error answer (steps/dependent/item-errors.ts); not part of the request. */
  judgeError?: ItemJudge;
  /**
   * Not part of the request either: never sent again by the per-request retries when it may
   * have arrived (request-retry.ts mayHaveArrived). An async job's submit: a second one is a
   * second job at the vendor, and steps/async/submit-once.ts resolves a lost answer instead.
   */
  atMostOnce?: boolean;
}

/** Renders a request from the config's templates, plus what the pagination adds. */
export function buildRequest(
  config: VendorConfig,
  request: RequestConfig,
  scope: ExpressionScope,
  where: string,
  extras: RequestExtras = {},
): BuiltRequest {
  // GraphQL over HTTP is a POST of a JSON document (graphql-request.ts).
  const method = request.method ?? (request.graphql ? 'POST' : 'GET');
  let url: URL;
  if (extras.url) url = new URL(extras.url);
  else if (request.url) url = new URL(scope.render(request.url, `${where}.url`, 'url'), config.baseUrl);
  else {
    const path = scope.render(request.path ?? '/', `${where}.path`, 'path');
    url = new URL(apiBase(config).replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`));
  }
  if (!extras.url) {
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, scope.render(value, `${where}.query.${name}`));
  }
  for (const [name, value] of Object.entries(extras.query ?? {})) url.searchParams.set(name, value);

  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'dif/0.1' };
  // A vendor header the request replaces or drops is not rendered: its template may need what this
  // request lacks (`${partition}` of the Amazon Ads Scope header, in the stream that lists the profiles).
  const ownHeaders = new Set(Object.keys(request.headers ?? {}).map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (!ownHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = scope.render(value, `${config.vendor}: $.headers.${name}`, 'header');
  }
  // The request's own headers after the vendor's: a step's Accept replaces the vendor's, null drops it.
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === null) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = scope.render(value, `${where}.headers.${name}`, 'header');
  }
  let body: string | undefined;
  let bodyPieces: (string | AuthPlace)[] | undefined;
  if (request.xml !== undefined) {
    const pieces = scope.renderWithAuthPlaces(request.xml, `${where}.xml`, 'xml');
    if (pieces.every((p) => typeof p === 'string')) body = pieces.join('');
    else bodyPieces = pieces;
    headers['content-type'] ??= 'text/xml; charset=utf-8';
  } else if (request.graphql !== undefined) {
    body = graphqlBody(request.graphql, (value, at) => renderDeep(value, scope, at), `${where}.graphql`, extras.variables);
    headers['content-type'] ??= 'application/json';
  } else if (request.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) form.set(name, scope.render(value, `${where}.form.${name}`));
    body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (request.body !== undefined || Object.keys(extras.body ?? {}).length > 0) {
    const rendered = request.body === undefined ? {} : renderDeep(request.body, scope, `${where}.body`);
    let paged: unknown;
    try {
      paged = withBodyParameters(rendered, extras.body ?? {});
    } catch (e) {
      throw new Error(`${where}.body: ${(e as Error).message}`);
    }
    body = JSON.stringify(paged);
    // A configured Content-Type wins: some vendors version their JSON media types
    // (Amazon Ads v3: application/vnd.createasyncreportrequest.v3+json).
    headers['content-type'] ??= 'application/json';
  }
  return { method, url, headers, body, ...(bodyPieces ? { bodyPieces } : {}), label: `${method} ${url.pathname}` };
}

function renderDeep(value: unknown, scope: ExpressionScope, where: string): unknown {
  if (typeof value === 'string') return scope.render(value, where);
  const typed = typedLeafExpression(value);
  if (typed !== undefined) {
    const result = scope.evaluate(typed, `${where}.${VALUE_KEY}`);
    const problem = jsonValueProblem(result);
    if (problem) throw new Error(`${where}.${VALUE_KEY}: ${typed} ${problem}`);
    return result;
  }
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, scope, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope, `${where}.${k}`)]));
  }
  return value;
}

/** The vendor's API base URL; validation requires it of every vendor with HTTP steps. */
export function apiBase(config: VendorConfig): string {
  if (!config.baseUrl) throw new Error(`${config.vendor}: $.baseUrl is required for HTTP steps`);
  return config.baseUrl;
}
