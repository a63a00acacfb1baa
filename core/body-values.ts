/**
 * Typed values in a JSON body (or GraphQL variables), whose string leaves are templates and
 * so always strings: a leaf written `{"$value": "<expression>"}` is replaced by the
 * expression's JSON value, a number, boolean, null, string, array or object (Intercom's
 * contact search compares `updated_at` with a number of epoch seconds). A NaN or Infinity
 * comes back from the sandbox as null, as JSON.stringify writes it; undefined fails. Pure.
 */

export const VALUE_KEY = '$value';

/** The expression of a typed leaf, or undefined when `value` is not one. */
export function typedLeafExpression(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, VALUE_KEY)) return undefined;
  const expression = (value as Record<string, unknown>)[VALUE_KEY];
  return typeof expression === 'string' ? expression : undefined;
}

/** What is wrong with an object that holds `$value`, or undefined when it is a typed leaf (or no such object). */
export function typedLeafProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, VALUE_KEY)) return undefined;
  const others = Object.keys(value).filter((k) => k !== VALUE_KEY);
  if (others.length > 0) return `an object with "${VALUE_KEY}" is a typed value and holds nothing else; found ${others.map((k) => JSON.stringify(k)).join(', ')}`;
  const expression = (value as Record<string, unknown>)[VALUE_KEY];
  if (typeof expression !== 'string' || expression.trim() === '') return `"${VALUE_KEY}" holds an expression (a non-empty string), not ${JSON.stringify(expression)}`;
  return undefined;
}

/** Why a typed leaf's result cannot go into a JSON body, or undefined when it can. */
export function jsonValueProblem(value: unknown, seen = 0): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `gave ${value}, which JSON cannot carry`;
  if (value === undefined) return 'gave undefined, which JSON cannot carry (use null for an empty value)';
  if (typeof value !== 'object' || seen > 32) return `gave a ${typeof value}, which is no JSON value`;
  for (const v of Array.isArray(value) ? value : Object.values(value)) {
    const problem = jsonValueProblem(v, seen + 1);
    if (problem) return problem;
  }
  return undefined;
}
