/**
 * What a GraphQL answer says about itself, free of I/O. By the GraphQL spec (section
 * "Response"), an answer whose `errors` is a non-empty list reports errors, even with an
 * HTTP 200 and even beside partial `data`; DIF treats any of them as a failed call, since
 * a page with holes would load silently short. Whether an error is transient (throttling)
 * is the vendor's to say (config `errors.retryWhen`), not this file's.
 */

export interface GraphqlError {
  message?: unknown;
  path?: unknown;
  extensions?: { code?: unknown };
}

/** The answer's errors; empty when it reports none (or is not a GraphQL answer at all). */
export function graphqlErrors(answer: unknown): GraphqlError[] {
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) return [];
  const errors = (answer as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => (e !== null && typeof e === 'object' ? (e as GraphqlError) : { message: e }));
}

/**
 * The vendor's messages, one per error with its code and path when given:
 * `Throttled (THROTTLED); Field 'bogus' doesn't exist on type 'Order' (at orders.nodes)`.
 * At most five, so a long list stays readable.
 */
export function graphqlErrorMessage(errors: GraphqlError[]): string {
  const shown = errors.slice(0, 5).map((e) => {
    const message = typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? 'no message');
    const code = typeof e.extensions?.code === 'string' ? ` (${e.extensions.code})` : '';
    const path = Array.isArray(e.path) && e.path.length ? ` (at ${e.path.join('.')})` : '';
    return `${message}${code}${path}`;
  });
  const more = errors.length > shown.length ? `; and ${errors.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}
