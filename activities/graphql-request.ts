/**
 * The body of a GraphQL request: `{ query, variables, operationName }` as JSON, the
 * GraphQL-over-HTTP convention (https://graphql.github.io/graphql-over-http/). The
 * document goes as written; the variables are the config's, their string leaves rendered
 * as templates, with what a pagination adds (the cursor) over them.
 */
import type { RequestConfig } from '../core/config-schema';

type GraphqlConfig = NonNullable<RequestConfig['graphql']>;

export function graphqlBody(
  graphql: GraphqlConfig,
  render: (value: unknown, where: string) => unknown,
  where: string,
  pageVariables: Record<string, unknown> = {},
): string {
  const variables = { ...((render(graphql.variables ?? {}, `${where}.variables`) as Record<string, unknown>) ?? {}), ...pageVariables };
  return JSON.stringify({
    query: graphql.query,
    ...(Object.keys(variables).length ? { variables } : {}),
    ...(graphql.operationName ? { operationName: graphql.operationName } : {}),
  });
}
