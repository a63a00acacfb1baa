/** Auth kind `googleServiceAccount`: OAuth 2 tokens for a service-account key (RFC 7523 JWT bearer, RS256). Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, UrlTemplate } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const GoogleServiceAccountAuth = shape('GoogleServiceAccountAuth', 'Google service account auth', Type.Object(
  {
    kind: Type.Literal('googleServiceAccount'),
    key: doc(SecretRef, 'Credential holding the service account\'s JSON key file, whole (its `client_email`, `private_key`, `private_key_id` and `token_uri` are read).', 'service_account_key'),
    scopes: doc(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), 'OAuth scopes the token is asked for.', ['https://www.googleapis.com/auth/webmasters.readonly']),
    subject: Type.Optional(doc(SecretRef, 'Credential holding the user to act as (domain-wide delegation: the `sub` claim). Without it the service account acts as itself.', 'delegated_user')),
    tokenUrl: Type.Optional(UrlTemplate('Token endpoint, also the assertion\'s `aud`. Default: the key file\'s `token_uri`.', 'https://oauth2.googleapis.com/token')),
  },
  {
    additionalProperties: false,
    description: 'A JWT signed RS256 with the service account\'s private key, traded for an access token (grant `urn:ietf:params:oauth:grant-type:jwt-bearer`); cached until shortly before it expires and renewed on a 401.',
  },
));

export type GoogleServiceAccountAuthConfig = Static<typeof GoogleServiceAccountAuth>;

export const googleServiceAccount = authGrammar({
  schema: GoogleServiceAccountAuth,
  secretNames: (auth) => [auth.key, ...(auth.subject ? [auth.subject] : [])],
  issuesToken: true,
  catalogueText: (auth) => `Google service account (JWT bearer, RS256)${auth.subject ? ', domain-wide delegation' : ''}`,
});
