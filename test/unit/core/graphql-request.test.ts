/**
 * The `graphql` request field: validation names each mistake by its JSON path, the
 * cursor goes into `variables`, and the body is `{query, variables}` as POST JSON.
 */
import { buildRequest } from '../../../activities/http-request';
import type { VendorConfig } from '../../../core/config-schema';
import { pageParameters } from '../../../core/pagination';
import { validateVendorConfig } from '../../../core/validate';
import { usingScope } from '../../../runtime/expression/expression';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const STEP = '$.streams.campaign_daily.steps[0]';
const QUERY = 'query Orders($first: Int!, $after: String, $filter: String) { orders(first: $first, after: $after, query: $filter) { pageInfo { hasNextPage endCursor } nodes { id } } }';

/** The demo config with its first step made a GraphQL cursor pagination. */
function graphqlConfig(): any {
  const config = demoConfig();
  config.streams.campaign_daily.steps[0] = {
    kind: 'paginated',
    name: 'orders',
    request: { path: '/graphql.json', graphql: { query: QUERY, variables: { first: 100, filter: 'updated_at:>=${window.from}' } } },
    pagination: { kind: 'cursor', next: 'response.data.orders.pageInfo.hasNextPage ? response.data.orders.pageInfo.endCursor : null', param: 'after', in: 'variables' },
    records: 'response.data.orders.nodes',
  };
  config.rateLimit = { requestsPerSecond: 5, queryCost: { format: 'shopify' } };
  return config;
}

describe('validation', () => {
  test('a GraphQL paginated step with its cursor in variables, and a cost model, validate', () => {
    expect(() => validateVendorConfig(graphqlConfig(), 'x.json', 'demo-ads')).not.toThrow();
  });

  test('a body or form beside graphql is named at its path', () => {
    const config = graphqlConfig();
    config.streams.campaign_daily.steps[0].request.body = { a: 1 };
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.request.body`]);
    expect(problems[0].message).toMatch(/GraphQL request sends its document and variables as the JSON body: remove "body"/);
  });

  test('a method other than POST is named at request.method', () => {
    const config = graphqlConfig();
    config.streams.campaign_daily.steps[0].request.method = 'GET';
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.request.method`]);
    expect(problems[0].message).toContain('is a POST');
  });

  test('a document without a selection set is named at graphql.query', () => {
    const config = graphqlConfig();
    config.streams.campaign_daily.steps[0].request.graphql.query = 'orders';
    expect(problemsOf(config).map((p) => p.path)).toEqual([`${STEP}.request.graphql.query`]);
  });

  test('an unknown field, a missing query and a bad variable template are named at their paths', () => {
    const config = graphqlConfig();
    const graphql = config.streams.campaign_daily.steps[0].request.graphql;
    graphql.mutation = 'x';
    delete graphql.query;
    expect(problemsOf(config).map((p) => p.path).sort()).toEqual([`${STEP}.request.graphql`, `${STEP}.request.graphql.mutation`]);
    const templated = graphqlConfig();
    templated.streams.campaign_daily.steps[0].request.graphql.variables.filter = 'updated_at:>=${window.from';
    expect(problemsOf(templated).map((p) => p.path)).toEqual([`${STEP}.request.graphql.variables.filter`]);
  });

  test('a cursor in "variables" without a graphql request is named at pagination.in', () => {
    const config = graphqlConfig();
    const request = config.streams.campaign_daily.steps[0].request;
    delete request.graphql;
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([`${STEP}.pagination.in`]);
    expect(problems[0].message).toContain('has no "graphql"');
  });

  test('a table.where that is not one expression is named at its path', () => {
    const config = graphqlConfig();
    config.streams.campaign_daily.table.where = 'record.__parentId !== undefined;';
    expect(problemsOf(config).map((p) => p.path)).toEqual(['$.streams.campaign_daily.table.where']);
  });

  test('an unknown cost format is named at rateLimit.queryCost.format', () => {
    const config = graphqlConfig();
    config.rateLimit.queryCost.format = 'github';
    expect(problemsOf(config).map((p) => p.path)).toEqual(['$.rateLimit.queryCost.format']);
  });
});

describe('the request sent', () => {
  const config = { vendor: 'v', baseUrl: 'https://shop.example.com' } as unknown as VendorConfig;
  const spec = { path: '/admin/api/2026-10/graphql.json', graphql: { query: QUERY, variables: { first: 100, filter: 'updated_at:>=${window.from}' } } };

  test('POST JSON {query, variables}, templates rendered in variables, the cursor added by the pagination', () => {
    const pagination = { kind: 'cursor' as const, next: 'x', param: 'after', in: 'variables' as const };
    expect(pageParameters(pagination, { page: 1, received: 0 }).variables).toEqual({});
    const params = pageParameters(pagination, { page: 2, received: 100, cursor: 'eyJsYXN0X2lkIjo0NTA3ODk0NzF9' });
    expect(params).toMatchObject({ query: {}, body: {}, variables: { after: 'eyJsYXN0X2lkIjo0NTA3ODk0NzF9' } });
    const built = usingScope({ window: { from: '2026-11-01' } }, (scope) => buildRequest(config, spec, scope, 'v: $.request', params));
    expect(built.method).toBe('POST');
    expect(built.headers['content-type']).toBe('application/json');
    expect(built.url.search).toBe('');
    expect(JSON.parse(built.body!)).toEqual({ query: QUERY, variables: { first: 100, filter: 'updated_at:>=2026-11-01', after: 'eyJsYXN0X2lkIjo0NTA3ODk0NzF9' } });
  });

  test('no variables: none sent; operationName when given', () => {
    const built = usingScope({}, (scope) => buildRequest(config, { path: '/g', graphql: { query: '{ shop { name } }', operationName: 'Shop' } }, scope, 'v: $.request'));
    expect(JSON.parse(built.body!)).toEqual({ query: '{ shop { name } }', operationName: 'Shop' });
  });
});
