/**
 * The building blocks of the config grammar, shared by core/config-schema.ts and the
 * grammar pieces of each kind (auth/<kind>/grammar.ts): documented fields, shared shapes
 * published once under `$defs`, the code roles validation parses, secret references and the
 * request shape. Kept apart so a kind's grammar can use them while config-schema.ts
 * composes the kinds (no import cycle). Pure.
 */
import { Type, type TSchema } from '@sinclair/typebox';

/**
 * What a string field holds, for the validator (core/validate-expressions.ts) to
 * parse it: an `expression`, a `template`, a `url-template` (a template that is a whole
 * URL: the only place `$raw{}` is allowed), `template-leaves` (a JSON value whose
 * string leaves are templates), or an `xml-template` (an XML body: values XML-escaped, and
 * the only place `$auth{}` is allowed). A symbol, so it never reaches the published JSON.
 */
export const CodeRole = Symbol.for('dif.codeRole');
export type CodeRoleName = 'expression' | 'template' | 'url-template' | 'template-leaves' | 'xml-template';
/** Names a shape shared by several fields: the published schema holds it once under `$defs`. */
export const DefName = Symbol.for('dif.defName');

/**
 * A copy of `schema` with its own description (and example). Never mutates: shared shapes
 * (a secret reference, a request) are used by many fields, and each field says what it is.
 */
export const doc = <T extends TSchema>(schema: T, description: string, example?: unknown): T =>
  ({ ...schema, description, ...(example === undefined ? {} : { examples: [example] }) }) as T;

/** Shared shapes by their `$defs` name, as first defined (uses may carry their own description). */
export const sharedShapes = new Map<string, TSchema>();

/** A shared shape: its title, and the name it has under `$defs` in the published schema. */
export const shape = <T extends TSchema>(name: string, title: string, schema: T): T => {
  const named = { ...schema, title, [DefName]: name } as T;
  sharedShapes.set(name, named);
  return named;
};

export const role = <T extends TSchema>(schema: T, r: CodeRoleName): T => ({ ...schema, [CodeRole]: r }) as T;

/** A string that may hold `${expression}` templates evaluated per request. */
export const Template = (description: string, example: string) =>
  role(doc(Type.String({ minLength: 1 }), `${description} May contain \${expression} templates.`, example), 'template');

/** A template that is a whole URL: values are inserted encoded; `$raw{expression}` inserts one as is (validation warns). */
export const UrlTemplate = (description: string, example: string) =>
  role(
    doc(Type.String({ minLength: 1 }), `${description} May contain \${expression} templates; \$raw{expression} inserts a value without encoding (a whole URL taken from a response), and \`dif validate\` warns of each use.`, example),
    'url-template',
  );

/** A JavaScript expression, parsed as exactly one expression at validation. */
export const Expression = (description: string, example: string) => role(doc(Type.String({ minLength: 1 }), description, example), 'expression');

/** Values of a name → template map (query, form, headers). */
export const TemplateValue = role(Type.String(), 'template');

export const Identifier = Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 });

/** A dotted path into a JSON answer: `access_token`, `urls.base`. */
export const AnswerField = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$', maxLength: 200 });

/** A host name, or `*.` and a domain (any host under it). */
export const HostPattern = Type.String({ pattern: '^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$', maxLength: 253 });

/** Upper bounds of numeric fields, from what their consumers accept (see each use). */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** A day, in seconds: longer than any request, lease or retry delay DIF has a reason for. */
export const DAY_SECONDS = 86_400;

export const SecretRef = shape(
  'SecretRef',
  'Credential name',
  doc(
    Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 }),
    'Name of a credential stored (encrypted) for this customer and vendor. Resolved only inside activities.',
    'api_key',
  ),
);

/**
 * A request's own headers. They replace the vendor-level `headers` of the same name
 * (names compare case-insensitively); null drops a vendor header for this request.
 */
export const RequestHeaders = doc(
  Type.Record(Type.String(), Type.Union([TemplateValue, Type.Null()])),
  'Headers of this request; values are templates. They replace vendor-level `headers` of the same name (case-insensitive); null sends the vendor header not at all.',
  { accept: 'text/csv', 'x-account': '${inputs.account_id}', 'linkedin-version': null },
);

/**
 * A GraphQL request: the document and its variables, sent as the POST JSON body
 * `{ query, variables, operationName }` (the GraphQL-over-HTTP convention every GraphQL
 * vendor accepts: Shopify, GitHub, Linear, Monday.com). The document is not a template, so
 * no value can change its shape; values go in `variables`, whose string leaves are.
 */
export const GraphqlRequest = shape('GraphqlRequest', 'GraphQL request', Type.Object(
  {
    query: doc(
      Type.String({ minLength: 1 }),
      'The GraphQL document (query or mutation). Not a template: values go in `variables`. A paginated step sends its cursor as a variable (`pagination.in: "variables"`).',
      'query Orders($first: Int!, $after: String, $filter: String) { orders(first: $first, after: $after, query: $filter) { pageInfo { hasNextPage endCursor } nodes { id } } }',
    ),
    variables: Type.Optional(
      role(
        doc(Type.Record(Type.String(), Type.Unknown()), 'The operation\'s variables, as JSON; string leaves are templates, and `{"$value": "<expression>"}` leaves the expression\'s JSON value.', { first: 100, filter: 'updated_at:>=${window.from}' }),
        'template-leaves',
      ),
    ),
    operationName: Type.Optional(doc(Type.String({ pattern: '^[_A-Za-z][_0-9A-Za-z]*$' }), 'Which operation of the document to run, when it holds several.', 'Orders')),
  },
  {
    additionalProperties: false,
    description:
      'A GraphQL request, POSTed as JSON `{query, variables, operationName}`. An answer with a non-empty `errors` array fails the call with the vendor\'s messages, even in a 200 (retried when the vendor\'s `errors.retryWhen` says it is throttling); `rateLimit.queryCost` reads the cost the answer reports.',
  },
));

/**
 * How many slots of the vendor's `rateLimit` a request takes. The limiter has one rate per
 * vendor; an operation the vendor limits more tightly costs the ratio of the two rates.
 */
export const RequestCost = doc(
  Type.Number({ minimum: 0, maximum: 100_000 }),
  'Slots of the vendor’s `rateLimit` this request takes, 0 to 100,000: an operation the vendor limits below `rateLimit.requestsPerSecond` costs that rate divided by its own (2 rps vendor rate, an operation limited to 0.0167 rps: 120), so every worker waits that many intervals after it; 0 for a request that does not count against the vendor’s limit (a pre-signed file on another host). Default 1.',
  120,
);

const RequestShape = Type.Object(
  {
    method: Type.Optional(
      doc(Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))), 'HTTP method. Default GET.', 'GET'),
    ),
    path: Type.Optional(Template('Path appended to the vendor baseUrl. Give `path` or `url`.', '/v1/accounts/${inputs.account_id}/stats')),
    url: Type.Optional(UrlTemplate('Absolute URL, for calls outside the baseUrl (downloads, token endpoints).', '$raw{response.next_url}')),
    form: Type.Optional(
      doc(Type.Record(Type.String(), TemplateValue), 'Form body (application/x-www-form-urlencoded); values are templates.', {
        grant_type: 'client_credentials',
      }),
    ),
    query: Type.Optional(
      doc(Type.Record(Type.String(), TemplateValue), 'Query parameters; values are templates.', {
        start_date: '${window.from}',
      }),
    ),
    headers: Type.Optional(RequestHeaders),
    auth: Type.Optional(
      doc(
        Type.Literal('none'),
        'Send no vendor credentials with this request: a pre-signed URL (S3, a download link found in a body) carries its own, and would be refused or leak the vendor token. Default: the vendor’s `auth`.',
        'none',
      ),
    ),
    body: Type.Optional(role(doc(Type.Unknown(), 'JSON body for POST; string leaves are templates. A leaf written `{"$value": "<expression>"}` is the expression\'s JSON value instead of a string: a number, boolean, null, array or object (Intercom\'s search wants `updated_at` as a number).', { filter: { account: '${inputs.account_id}' } }), 'template-leaves')),
    xml: Type.Optional(
      role(
        doc(
          Type.String({ minLength: 1, maxLength: 1_000_000 }),
          'XML body (a SOAP envelope) written as a text template: every `${expression}` value is XML-escaped (`&`, `<`, `>`, `"`, `\'` become entities), so no value can open or close an element. ' +
            '`$auth{token}` (the access token) and `$auth{secrets.<name>}` (a credential the auth block lists) are places the signer fills after the rate-limit wait, for vendors that want credentials inside the body (Microsoft Advertising\'s SOAP `AuthenticationToken` and `DeveloperToken` header elements); they never pass through the expression engine. ' +
            'Content-Type defaults to `text/xml; charset=utf-8` (SOAP 1.1); set `headers` for SOAP 1.2 (`application/soap+xml`) and for `SOAPAction`. Give `xml`, `body` or `form`, not two.',
          '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><AuthenticationToken>$auth{token}</AuthenticationToken></s:Header><s:Body><GetThing><Id>${inputs.account_id}</Id></GetThing></s:Body></s:Envelope>',
        ),
        'xml-template',
      ),
    ),
    graphql: Type.Optional(GraphqlRequest),
    cost: Type.Optional(RequestCost),
  },
  { additionalProperties: false, description: 'An HTTP request, relative to the vendor baseUrl.' },
);
export const RequestSpec = shape('Request', 'HTTP request', RequestShape);
