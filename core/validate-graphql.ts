/**
 * Checks of GraphQL requests a schema cannot express: a GraphQL request is a POST whose
 * JSON body is the document and its variables, so it has no other body; its document has
 * a selection set; and a pagination that puts its cursor in `variables` needs a GraphQL
 * request to put it in. Pure.
 */
import type { ConfigProblem } from './validate';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Problems of one request object found at `path` (a `request` field of a step). */
export function graphqlRequestProblems(request: Json, path: string, out: ConfigProblem[]): void {
  if (!isObject(request.graphql)) return;
  for (const other of ['body', 'form', 'xml'] as const) {
    if (Object.hasOwn(request, other)) {
      out.push({ path: `${path}.${other}`, message: `a GraphQL request sends its document and variables as the JSON body: remove "${other}" (values go in graphql.variables)` });
    }
  }
  if (request.method !== undefined && request.method !== 'POST') {
    out.push({ path: `${path}.method`, message: `a GraphQL request is a POST (GraphQL over HTTP), not ${JSON.stringify(request.method)}; leave "method" out` });
  }
  const query = request.graphql.query;
  if (typeof query === 'string' && !query.includes('{')) {
    out.push({ path: `${path}.graphql.query`, message: 'is not a GraphQL document: it has no selection set `{ … }`' });
  }
}

/** A step (or any object) whose pagination sends its parameter `in: "variables"` must have a GraphQL request. */
export function variablesPaginationProblems(step: Json, at: string, out: ConfigProblem[]): void {
  if (!isObject(step.pagination) || step.pagination.in !== 'variables') return;
  if (isObject(step.request) && isObject(step.request.graphql)) return;
  out.push({ path: `${at}.pagination.in`, message: '"variables" puts the page parameter in GraphQL variables, but this step\'s request has no "graphql"; use "query" or "body"' });
}
