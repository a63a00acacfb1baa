/** Checks shared by the kinds that call the vendor's API. */
import type { ConfigProblem } from '../../core/validate';
import type { StepCheckPlace } from '../kind';
import { graphqlRequestProblems, variablesPaginationProblems } from '../../core/validate-graphql';

/**
 * Every request of a step names where it goes, and its GraphQL requests hold together
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
    if (key === 'request' && v && typeof v === 'object' && !Object.hasOwn(v, 'path') && !Object.hasOwn(v, 'url')) {
      out.push({ path, message: 'needs a "path" (relative to baseUrl) or a "url"' });
    }
    if (key === 'request' && v && typeof v === 'object') graphqlRequestProblems(v as Record<string, unknown>, path, out);
  }
}

/** The check of a kind whose only rule beyond the schema is that its requests name where they go. */
export function checkStepRequests(step: unknown, place: StepCheckPlace, out: ConfigProblem[]): void {
  checkRequests(step, place.at, out);
}
