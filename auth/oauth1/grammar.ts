/** Auth kind `oauth1`: OAuth 1.0a requests signed with HMAC-SHA1 (RFC 5849), as X Ads wants. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const OAuth1Auth = shape('OAuth1Auth', 'OAuth 1.0a auth', Type.Object(
  {
    kind: Type.Literal('oauth1'),
    consumerKey: doc(SecretRef, 'Credential holding the consumer (API) key, sent as `oauth_consumer_key`.', 'consumer_key'),
    consumerSecret: doc(SecretRef, 'Credential holding the consumer (API) secret: half of the signing key, never sent.', 'consumer_secret'),
    token: doc(SecretRef, 'Credential holding the access token, sent as `oauth_token`.', 'access_token'),
    tokenSecret: doc(SecretRef, 'Credential holding the access token secret: the other half of the signing key, never sent.', 'access_token_secret'),
  },
  {
    additionalProperties: false,
    description:
      'OAuth 1.0a (RFC 5849): every request signed with HMAC-SHA1 over its method, URL, query parameters and form body (not a JSON body), with a fresh timestamp and nonce, in an `Authorization: OAuth …` header.',
  },
));

export type OAuth1AuthConfig = Static<typeof OAuth1Auth>;

export const oauth1 = authGrammar({
  schema: OAuth1Auth,
  secretNames: (auth) => [auth.consumerKey, auth.consumerSecret, auth.token, auth.tokenSecret],
  catalogueText: () => 'OAuth 1.0a (HMAC-SHA1 signature)',
});
