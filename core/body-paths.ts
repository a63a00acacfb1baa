/**
 * Pagination parameters placed in a JSON body (`in: "body"`). A dotted name sets a nested
 * field: Apple Search Ads reads its offset from `selector.pagination.offset`, beside the
 * request's own `selector.orderBy`, so the parameter is written into the rendered body
 * rather than merged over it. Pure.
 */

/** Segments that would reach an object's prototype instead of a field of the body. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** What is wrong with a body parameter name, or undefined when it is fine. */
export function bodyPathProblem(name: string): string | undefined {
  const segments = name.split('.');
  if (segments.some((s) => s === '')) return `"${name}" has an empty segment; a body parameter is a field name or a dotted path to one (selector.pagination.offset)`;
  const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (forbidden) return `"${name}" names "${forbidden}", which every JavaScript object has; it cannot be a body field`;
  return undefined;
}

/**
 * `body` with each parameter set at its dotted path, objects on the way copied (the
 * rendered body is not changed) and created where missing.
 */
export function withBodyParameters(body: unknown, parameters: Record<string, unknown>): unknown {
  if (Object.keys(parameters).length === 0) return body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Error('pagination parameters placed in the body need a JSON object body, not ' + (Array.isArray(body) ? 'an array' : typeof body));
  }
  const root: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [name, value] of Object.entries(parameters)) {
    const problem = bodyPathProblem(name);
    if (problem) throw new Error(problem);
    const segments = name.split('.');
    let target = root;
    for (const segment of segments.slice(0, -1)) {
      const next = Object.hasOwn(target, segment) ? target[segment] : undefined;
      if (next !== undefined && (next === null || typeof next !== 'object' || Array.isArray(next))) {
        throw new Error(`"${name}": the body's "${segment}" is not an object, so the parameter cannot be set inside it`);
      }
      const copy = { ...((next as Record<string, unknown> | undefined) ?? {}) };
      target[segment] = copy;
      target = copy;
    }
    target[segments[segments.length - 1]] = value;
  }
  return root;
}
