/**
 * The guesses `dif scaffold` makes that the two vendor documents do not show (offset, page and
 * Link header pagination; bearer, basic, apiKey in the query and client-credentials auth; server
 * variables; number and date columns; `<thing>_id` keys) and its refusals, on small documents.
 */
import type { StreamConfig } from '../../../../core/config-schema';
import { InputError } from '../../../../core/run-plan';
import { scaffoldConfig } from '../../../../core/scaffold/scaffold';
import { checkVendorConfig } from '../../../../core/validate';

const Order = {
  type: 'object',
  properties: {
    order_id: { type: 'integer' },
    total: { type: 'number' },
    placed_on: { type: 'string', format: 'date' },
    paid: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

/** A one-operation document: `/orders` answering `{ orders: [Order] }`, with the given query parameters, headers and security scheme. */
function doc(opts: { query?: string[]; headers?: object; scheme?: object; response?: object; servers?: object[] } = {}) {
  return {
    openapi: '3.0.3',
    info: { title: 'Shop API', version: '2' },
    servers: opts.servers ?? [{ url: 'https://api.shop.example/v2' }],
    paths: {
      '/orders': {
        get: {
          operationId: 'listOrders',
          parameters: (opts.query ?? []).map((name) => ({ name, in: 'query', schema: { type: 'integer', maximum: 500 } })),
          responses: {
            '200': {
              description: 'ok',
              headers: opts.headers,
              content: { 'application/json': { schema: opts.response ?? { type: 'object', properties: { orders: { type: 'array', items: { $ref: '#/components/schemas/Order' } } } } } },
            },
          },
        },
      },
    },
    components: { schemas: { Order }, securitySchemes: { main: opts.scheme ?? { type: 'http', scheme: 'bearer' } } },
  };
}

const scaffold = (d: unknown) => scaffoldConfig(d, { file: 'spec.json', operations: ['listOrders'], vendor: 'shop' });
const only = (d: unknown) => {
  const config = scaffold(d);
  checkVendorConfig(config, 'spec.json', 'shop');
  return config.streams.list_orders as StreamConfig;
};
const paging = (s: StreamConfig) => (s.steps[0] as { pagination?: unknown }).pagination;

describe('pagination guesses', () => {
  it('offset: offset and limit parameters, the limit at its maximum', () => {
    const s = only(doc({ query: ['offset', 'limit'] }));
    expect(paging(s)).toEqual({ kind: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 500 });
    expect(s.description).toContain('Pagination: offset: the query parameters offset and limit');
  });

  it('page: page and page_size parameters', () => {
    const s = only(doc({ query: ['page', 'page_size'] }));
    expect(paging(s)).toEqual({ kind: 'page', pageParam: 'page', sizeParam: 'page_size', size: 500 });
    expect(s.description).toContain('Pagination: page: the query parameter page with page_size');
  });

  it('Link header: a Link header in the 200 response', () => {
    const s = only(doc({ headers: { Link: { schema: { type: 'string' } } } }));
    expect(paging(s)).toEqual({ kind: 'linkHeader' });
    expect(s.description).toContain('Pagination: Link header: the 200 response declares a Link header');
  });

  it('cursor nested in the response: paging.next.after (HubSpot-like) with an after parameter', () => {
    const response = {
      type: 'object',
      properties: {
        results: { type: 'array', items: { $ref: '#/components/schemas/Order' } },
        paging: { type: 'object', properties: { next: { type: 'object', properties: { after: { type: 'string' } } } } },
      },
    };
    const s = only(doc({ query: ['after', 'limit'], response }));
    expect(paging(s)).toEqual({ kind: 'cursor', next: 'response.paging?.next?.after', param: 'after' });
    expect((s.steps[0] as { records: string }).records).toBe('response.results');
  });

  it('none: a single call, and the note says so', () => {
    const s = only(doc());
    expect(s.steps[0].kind).toBe('single');
    expect(s.description).toContain('Pagination: none recognised');
  });
});

describe('columns and keys', () => {
  it('types number as decimal and date strings as date, keys on <thing>_id, leaves arrays out with a note', () => {
    const s = only(doc());
    expect(s.table.columns.map((c) => [c.name, c.type])).toEqual([
      ['order_id', 'integer'],
      ['total', 'decimal'],
      ['placed_on', 'date'],
      ['paid', 'boolean'],
    ]);
    expect(s.table.primaryKey).toEqual(['order_id']);
    expect(s.description).toContain('Primary key: order_id (the id of the orders the path lists).');
    expect(s.description).toContain('Left out: tags (an array).');
  });

  it('a body that is the array itself is read as response', () => {
    const s = only(doc({ response: { type: 'array', items: { $ref: '#/components/schemas/Order' } } }));
    expect((s.steps[0] as { records: string }).records).toBe('response');
  });
});

describe('auth and base URL', () => {
  it.each([
    [{ type: 'http', scheme: 'basic' }, { kind: 'basic', username: 'username', password: 'password' }],
    [{ type: 'apiKey', in: 'query', name: 'key' }, { kind: 'apiKey', in: 'query', name: 'key', secret: 'api_key' }],
    [
      { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://auth.shop.example/token', scopes: {} } } },
      { kind: 'oauth2', grant: 'client_credentials', tokenUrl: 'https://auth.shop.example/token', clientId: 'client_id', clientSecret: 'client_secret' },
    ],
  ])('%j becomes %j', (scheme, auth) => {
    expect(scaffold(doc({ scheme })).auth).toEqual(auth);
  });

  it('fills server variables with their defaults', () => {
    const config = scaffold(doc({ servers: [{ url: 'https://{region}.shop.example/{version}', variables: { region: { default: 'eu' }, version: { default: 'v2' } } }] }));
    expect(config.baseUrl).toBe('https://eu.shop.example/v2');
    expect(config.api?.notes).toContain('Base URL: servers[0] with variables region=eu, version=v2.');
  });
});

describe('refusals', () => {
  const refusal = (d: unknown, operations = ['listOrders']) => {
    try {
      scaffoldConfig(d, { file: 'spec.json', operations });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('not refused');
  };

  it('a Swagger 2 document', () => {
    expect(refusal({ swagger: '2.0', paths: {} })).toBe('spec.json: a Swagger 2.0 document; dif scaffold reads OpenAPI 3 only (convert it first, e.g. with swagger2openapi)');
  });

  it('a document that is not OpenAPI at all', () => {
    expect(refusal({ hello: 'world' })).toContain('spec.json: not an OpenAPI 3 document ($.openapi is null');
  });

  it('an unknown operationId, naming the known ones', () => {
    expect(refusal(doc(), ['listOrder'])).toBe('spec.json: no GET operation with operationId "listOrder"; the GET operations are: listOrders');
  });

  it('a $ref that resolves to nothing, naming the JSON pointer', () => {
    const d = doc({ response: { type: 'object', properties: { orders: { type: 'array', items: { $ref: '#/components/schemas/Missing' } } } } });
    expect(refusal(d)).toBe('spec.json: GET /orders (listOrders): $ref "#/components/schemas/Missing" cannot be resolved: nothing at that JSON pointer');
  });
});

describe('unions of object shapes', () => {
  it('a oneOf of objects gives the fields of all of them', () => {
    const response = {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: { oneOf: [{ $ref: '#/components/schemas/Order' }, { type: 'object', properties: { refund_id: { type: 'string' }, total: { type: 'string' } } }] },
        },
      },
    };
    const s = only(doc({ response }));
    expect(s.table.columns.map((c) => c.name)).toEqual(['order_id', 'total', 'placed_on', 'paid', 'refund_id']);
    expect(s.table.columns.find((c) => c.name === 'total')?.type).toBe('decimal');
  });
});

describe('stream names', () => {
  it('numbers a stream whose operationId spells an earlier one, and takes a repeated operation once', () => {
    const d = doc() as { paths: Record<string, { get: { operationId: string } }> };
    d.paths['/orders/open'] = { get: { ...d.paths['/orders'].get, operationId: 'list-orders' } };
    const config = scaffoldConfig(d, { file: 'spec.json', operations: ['listOrders', 'list-orders', 'listOrders'], vendor: 'shop' });
    expect(Object.keys(config.streams)).toEqual(['list_orders', 'list_orders_2']);
    expect(config.streams.list_orders_2.table.name).toBe('shop_list_orders_2');
  });
});
