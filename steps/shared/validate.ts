/** Checks shared by the kinds that call the vendor's API. */
import type { ConfigProblem } from '../../core/validate';
import type { StepCheckPlace } from '../kind';
import { graphqlRequestProblems, variablesPaginationProblems } from '../../core/validate-graphql';

/**
 * Every request of a step names where it goes, has at most one body, places credentials
 * (`$auth{…}`) only when it sends the vendor's auth, and its GraphQL requests hold together
 * (core/validate-graphql.ts). (Expressions and templates are checked by
 * core/validate-expressions.ts, from the grammar's marks.)
 */
export function checkRequests(value: unknown, at: string, out: ConfigProblem[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => checkRequests(v, `${at}[${i}]`, out));
  if (!value || typeof value !== 'object') return;
  variablesPaginationProblems(value as Record<string, unknown>, at, out);
  for (const [key, v] of Object.entries(value)) {
    const path = `${at}.${key}`;
    if (key === 'body') continue; // a JSON body is data, not config
    checkRequests(v, path, out);
    if (key === 'request' && v && typeof v === 'object') {
      checkRequest(v as Record<string, unknown>, path, out);
      graphqlRequestProblems(v as Record<string, unknown>, path, out);
    }
  }
}

function checkRequest(request: Record<string, unknown>, path: string, out: ConfigProblem[]): void {
  if (!Object.hasOwn(request, 'path') && !Object.hasOwn(request, 'url')) out.push({ path, message: 'needs a "path" (relative to baseUrl) or a "url"' });
  const bodies = BODY_FIELDS.filter((field) => Object.hasOwn(request, field));
  if (bodies.length > 1) out.push({ path: `${path}.${bodies[1]}`, message: `a request has one body: give "${bodies[0]}" or "${bodies[1]}", not both` });
  if (request.auth === 'none' && typeof request.xml === 'string' && request.xml.includes('$auth{')) {
    out.push({ path: `${path}.xml`, message: '$auth{…} places a credential, but this request sends no vendor auth ("auth": "none")' });
  }
}

const BODY_FIELDS = ['body', 'form', 'xml'] as const;

/** The check of a kind whose only rule beyond the schema is that its requests name where they go. */
export function checkStepRequests(step: unknown, place: StepCheckPlace, out: ConfigProblem[]): void {
  checkRequests(step, place.at, out);
}
