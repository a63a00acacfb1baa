/**
 * Auth kind `oauth2`: access tokens from a token endpoint (client credentials, refresh
 * token, or an RFC 7523 JWT bearer assertion), sent in `Authorization` or a vendor's own
 * header, optionally with the API base URL the token answer names. Pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { ConfigProblem } from '../../core/validate';
import { childPath } from '../../core/validate-paths';
import { AnswerField, doc, Expression, HostPattern, SecretRef, shape, TemplateValue, UrlTemplate } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';


const JwtAssertion = Type.Object(
  {
    privateKey: doc(SecretRef, 'Credential holding the PEM private key (RSA) whose certificate the vendor holds (a Salesforce connected app\'s digital certificate).', 'private_key'),
    subject: doc(SecretRef, 'Credential holding the `sub` claim: the user the token acts for (the Salesforce username).', 'username'),
    audience: doc(
      Type.String({ minLength: 1, maxLength: 2000 }),
      'The `aud` claim: the authorization server. Salesforce: https://login.salesforce.com, https://test.salesforce.com for a sandbox, or an Experience Cloud site URL.',
      'https://login.salesforce.com',
    ),
    lifetimeSeconds: Type.Optional(
      doc(Type.Integer({ minimum: 30, maximum: 3600 }), 'Seconds from now to the `exp` claim (30 to 3600). Default 180: Salesforce accepts an `exp` at most 3 minutes ahead.', 180),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The JWT of the `jwt_bearer` grant (RFC 7523 §2.1), signed RS256: `iss` the client id, `sub`, `aud` and `exp`, posted as `assertion` with grant type `urn:ietf:params:oauth:grant-type:jwt-bearer`.',
  },
);

const TokenFields = Type.Object(
  {
    accessToken: Type.Optional(doc(AnswerField, 'Field of the token answer holding the access token. Default `access_token`.', 'data.access_token')),
    expiresIn: Type.Optional(doc(AnswerField, 'Field of the token answer holding its lifetime in seconds. Default `expires_in`; without one a token is used for an hour and renewed on a 401.', 'data.expires_in')),
    refreshToken: Type.Optional(
      doc(AnswerField, 'Field of the token answer holding a rotated refresh token, stored back (encrypted) when it differs from the one sent. Default `refresh_token`.', 'data.refresh_token'),
    ),
  },
  { additionalProperties: false, description: 'Names of the token answer\'s fields, for vendors that do not use RFC 6749\'s `access_token` and `expires_in`.' },
);

const TokenRequest = Type.Object(
  {
    format: doc(
      Type.Union([Type.Literal('form'), Type.Literal('json')]),
      'How the token request\'s fields (grant_type, client_id, client_secret, refresh_token, scope) are posted: `form` (application/x-www-form-urlencoded, RFC 6749 §4) or `json` (one JSON object, as TikTok API for Business token endpoints take them).',
      'json',
    ),
  },
  { additionalProperties: false, description: 'The token request\'s body, for vendors that do not take RFC 6749\'s form. Default: a form.' },
);

const TokenErrors = Type.Object(
  {
    when: Expression('Expression over the token answer `response` that is true when the vendor refuses the request inside a 2xx answer.', 'response.code !== 0'),
    message: Type.Optional(Expression('Expression giving the vendor\'s message, quoted (scrubbed of every credential) in the failure.', '`code ${response.code}: ${response.message}`')),
    retryWhen: Type.Optional(Expression('Expression that is true when the refusal is transient (throttling): the activity is retried instead of failing the run.', 'response.code === 40100')),
  },
  {
    additionalProperties: false,
    description:
      'Errors the token endpoint reports in the body of a 2xx answer (TikTok API for Business: `code` ≠ 0). A refusal fails the run at once as a CredentialError with the vendor\'s message, instead of being retried as a token answer without a token.',
  },
);

const BaseUrlFrom = Type.Object(
  {
    field: doc(AnswerField, 'Field of the token answer holding the API base URL.', 'instance_url'),
    hosts: doc(
      Type.Array(HostPattern, { minItems: 1 }),
      'Hosts the base URL may name (`*.` for any host under a domain). The token is sent there, so a base URL on any other host fails the run instead.',
      ['*.my.salesforce.com'],
    ),
  },
  {
    additionalProperties: false,
    description:
      'The API base URL is in the token answer (Salesforce `instance_url`): requests built on the vendor `baseUrl` go to that base instead; other URLs (next-page links, downloads) are left as they are.',
  },
);

export const OAuth2Auth = shape('OAuth2Auth', 'OAuth 2.0 auth', Type.Object(
  {
    kind: Type.Literal('oauth2'),
    grant: doc(
      Type.Union([Type.Literal('client_credentials'), Type.Literal('refresh_token'), Type.Literal('jwt_bearer')]),
      'OAuth 2.0 grant used to obtain access tokens: `client_credentials`, `refresh_token`, or `jwt_bearer` (RFC 7523: a JWT signed with the customer\'s private key, see `assertion`).',
      'refresh_token',
    ),
    tokenUrl: UrlTemplate('Token endpoint (absolute URL; `baseUrl` is the vendor base URL).', 'https://oauth2.googleapis.com/token'),
    clientId: doc(SecretRef, 'Credential holding the client id (the `iss` of a `jwt_bearer` assertion).', 'client_id'),
    clientSecret: Type.Optional(doc(SecretRef, 'Credential holding the client secret. Required for the `client_credentials` and `refresh_token` grants; `jwt_bearer` needs none.', 'client_secret')),
    refreshToken: Type.Optional(doc(SecretRef, 'Credential holding the refresh token (refresh_token grant). A rotated refresh token is stored back, encrypted.', 'refresh_token')),
    assertion: Type.Optional(JwtAssertion),
    scope: Type.Optional(doc(Type.String(), 'Scope to request.', 'ads.read')),
    clientAuth: Type.Optional(
      doc(Type.Union([Type.Literal('body'), Type.Literal('basic')]), 'How the client authenticates to the token endpoint. Default body.', 'basic'),
    ),
    tokenHeader: Type.Optional(
      doc(
        Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', maxLength: 100 }),
        'Header carrying the access token. Default `Authorization`, as `Bearer <token>`; any other header carries the bare token (Shopify `X-Shopify-Access-Token`, Amazon SP-API `x-amz-access-token`).',
        'X-Shopify-Access-Token',
      ),
    ),
    tokenHeaders: Type.Optional(
      doc(
        Type.Record(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$', maxLength: 100 }), TemplateValue),
        'Headers sent with the token request, besides the ones the grant sets: templates over credentials (`secrets.<name>`, listed in `secrets`) and the customer\'s `inputs` (Reddit asks for the app\'s own User-Agent on every call, the token call included). Not `Authorization` or `Content-Type`, which carry the client and the form.',
        { 'User-Agent': '${inputs.user_agent}' },
      ),
    ),
    tokenFields: Type.Optional(TokenFields),
    tokenRequest: Type.Optional(TokenRequest),
    tokenErrors: Type.Optional(TokenErrors),
    baseUrlFrom: Type.Optional(BaseUrlFrom),
    headers: Type.Optional(
      doc(
        Type.Record(Type.String(), TemplateValue),
        'Headers sent with every API request besides the token, built from credentials (`secrets.<name>`, e.g. `${secrets.client_id}`) and listed in `secrets`: a Google Ads developer token, an Amazon Ads client id.',
        { 'developer-token': '${secrets.developer_token}' },
      ),
    ),
    secrets: Type.Optional(doc(Type.Array(SecretRef), 'Further credentials the `headers` use, or an XML body places with `$auth{secrets.<name>}` (Microsoft Advertising’s DeveloperToken).', ['developer_token'])),
  },
  { additionalProperties: false, description: 'OAuth 2.0 access tokens, cached until shortly before they expire and renewed on a 401.' },
));

export type OAuth2AuthConfig = Static<typeof OAuth2Auth>;

/** What each grant needs beyond the schema. */
function grantProblems(auth: OAuth2AuthConfig, out: ConfigProblem[]): void {
  const need = (field: keyof OAuth2AuthConfig, why: string) => {
    if (auth[field] === undefined) out.push({ path: `$.auth.${field}`, message: `is required ${why}` });
  };
  const refuse = (field: keyof OAuth2AuthConfig, why: string) => {
    if (auth[field] !== undefined) out.push({ path: `$.auth.${field}`, message: `is not used ${why}: remove it` });
  };
  if (auth.grant === 'jwt_bearer') {
    need('assertion', 'for the jwt_bearer grant (the key, subject and audience of the JWT)');
    refuse('clientSecret', 'by the jwt_bearer grant, which proves the client with the signed assertion');
    refuse('refreshToken', 'by the jwt_bearer grant');
  } else {
    need('clientSecret', `for the ${auth.grant} grant`);
    refuse('assertion', `by the ${auth.grant} grant (only jwt_bearer signs an assertion)`);
    if (auth.grant === 'refresh_token') need('refreshToken', 'for the refresh_token grant');
    else refuse('refreshToken', 'by the client_credentials grant');
  }
}

/** Token request headers may not replace the ones that carry the client and the form. */
const GRANT_HEADERS = new Set(['authorization', 'content-type']);

function oauth2Problems(auth: OAuth2AuthConfig, out: ConfigProblem[]): void {
  grantProblems(auth, out);
  for (const name of Object.keys(auth.tokenHeaders ?? {})) {
    if (GRANT_HEADERS.has(name.toLowerCase())) out.push({ path: childPath('$.auth.tokenHeaders', name), message: 'is set by the grant (the client\'s credentials, the form\'s type): remove it' });
  }
}

export const oauth2 = authGrammar({
  schema: OAuth2Auth,
  secretNames: (auth) => [
    ...new Set([
      auth.clientId,
      ...(auth.clientSecret ? [auth.clientSecret] : []),
      ...(auth.refreshToken ? [auth.refreshToken] : []),
      ...(auth.assertion ? [auth.assertion.privateKey, auth.assertion.subject] : []),
      ...(auth.secrets ?? []),
    ]),
  ],
  secretPairs: (auth) => (auth.clientSecret ? [[auth.clientId, auth.clientSecret]] : []),
  check: oauth2Problems,
  issuesToken: true,
  catalogueText: (auth) =>
    `OAuth2 ${auth.grant.replace('_', ' ')}${auth.tokenHeader ? ` (token in \`${auth.tokenHeader}\`)` : ''}${auth.baseUrlFrom ? `, base URL from \`${auth.baseUrlFrom.field}\`` : ''}${auth.headers ? ` + headers ${Object.keys(auth.headers).map((h) => `\`${h}\``).join(', ')}` : ''}`,
});
