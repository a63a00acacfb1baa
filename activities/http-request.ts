import type { AuthConfig, RequestConfig, VendorConfig } from '../interpreter/config-schema';
import { ExpressionScope } from '../interpreter/expression';

export interface BuiltRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Method and path only: safe to show in errors and the Web UI (no query, which may hold a key). */
  label: string;
}

/** Renders a step's request from the config's templates. */
export function buildRequest(config: VendorConfig, request: RequestConfig, scope: ExpressionScope, where: string): BuiltRequest {
  const method = request.method ?? 'GET';
  const path = scope.render(request.path, `${where}.request.path`);
  const url = new URL(config.baseUrl.replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`));
  for (const [name, value] of Object.entries(request.query ?? {})) {
    url.searchParams.set(name, scope.render(value, `${where}.request.query.${name}`));
  }
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'dif/0.1' };
  for (const [name, value] of Object.entries({ ...config.headers, ...request.headers })) {
    headers[name.toLowerCase()] = scope.render(value, `${where}.request.headers.${name}`);
  }
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(renderDeep(request.body, scope, `${where}.request.body`));
    headers['content-type'] = 'application/json';
  }
  return { method, url, headers, body, label: `${method} ${url.pathname}` };
}

function renderDeep(value: unknown, scope: ExpressionScope, where: string): unknown {
  if (typeof value === 'string') return scope.render(value, where);
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, scope, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope, `${where}.${k}`)]));
  }
  return value;
}

/** The credential names an auth block needs. */
export function secretsOf(auth: AuthConfig): string[] {
  return auth.kind === 'none' ? [] : [auth.secret];
}

/** Applies auth to a built request. `secrets` holds the revealed values, by name. */
export function applyAuth(auth: AuthConfig, built: BuiltRequest, secrets: Record<string, string>): void {
  switch (auth.kind) {
    case 'none':
      return;
    case 'bearer':
      built.headers.authorization = `Bearer ${secrets[auth.secret]}`;
      return;
    case 'apiKey':
      if (auth.in === 'header') built.headers[auth.name.toLowerCase()] = secrets[auth.secret];
      else built.url.searchParams.set(auth.name, secrets[auth.secret]);
      return;
  }
}
