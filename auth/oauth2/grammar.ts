/** Auth kind `oauth2`: access tokens from a token endpoint (client credentials or refresh token). Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, TemplateValue, UrlTemplate } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const OAuth2Auth = shape('OAuth2Auth', 'OAuth 2.0 auth', Type.Object(
  {
    kind: Type.Literal('oauth2'),
    grant: doc(
      Type.Union([Type.Literal('client_credentials'), Type.Literal('refresh_token')]),
      'OAuth 2.0 grant used to obtain access tokens.',
      'refresh_token',
    ),
    tokenUrl: UrlTemplate('Token endpoint (absolute URL; `baseUrl` is the vendor base URL).', 'https://oauth2.googleapis.com/token'),
    clientId: doc(SecretRef, 'Credential holding the client id.', 'client_id'),
    clientSecret: doc(SecretRef, 'Credential holding the client secret.', 'client_secret'),
    refreshToken: Type.Optional(doc(SecretRef, 'Credential holding the refresh token (refresh_token grant). A rotated refresh token is stored back, encrypted.', 'refresh_token')),
    scope: Type.Optional(doc(Type.String(), 'Scope to request.', 'ads.read')),
    clientAuth: Type.Optional(
      doc(Type.Union([Type.Literal('body'), Type.Literal('basic')]), 'How the client authenticates to the token endpoint. Default body.', 'basic'),
    ),
    headers: Type.Optional(
      doc(
        Type.Record(Type.String(), TemplateValue),
        'Headers sent with every API request besides the bearer token, built from credentials (`secrets.<name>`, e.g. `${secrets.client_id}`) and listed in `secrets`: a Google Ads developer token, an Amazon Ads client id.',
        { 'developer-token': '${secrets.developer_token}' },
      ),
    ),
    secrets: Type.Optional(doc(Type.Array(SecretRef), 'Further credentials the `headers` use.', ['developer_token'])),
  },
  { additionalProperties: false, description: 'OAuth 2.0 access tokens, cached until shortly before they expire and renewed on a 401.' },
));

export type OAuth2AuthConfig = Static<typeof OAuth2Auth>;

export const oauth2 = authGrammar({
  schema: OAuth2Auth,
  secretNames: (auth) => [...new Set([auth.clientId, auth.clientSecret, ...(auth.refreshToken ? [auth.refreshToken] : []), ...(auth.secrets ?? [])])],
  secretPairs: (auth) => [[auth.clientId, auth.clientSecret]],
  issuesToken: true,
  catalogueText: (auth) => `OAuth2 ${auth.grant.replace('_', ' ')}${auth.headers ? ` + headers ${Object.keys(auth.headers).map((h) => `\`${h}\``).join(', ')}` : ''}`,
});
