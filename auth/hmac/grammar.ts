/** Auth kind `hmac`: every request signed with HMAC-SHA256 over its time, method and path. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape } from '../../interpreter/schema-parts';
import { authGrammar } from '../kind-grammar';

export const HmacAuth = shape('HmacAuth', 'HMAC signature auth', Type.Object(
  {
    kind: Type.Literal('hmac'),
    keyId: doc(SecretRef, 'Credential holding the key id, sent as `X-Key-Id`.', 'key_id'),
    key: doc(SecretRef, 'Credential holding the signing key.', 'signing_key'),
  },
  { additionalProperties: false, description: 'Each request signed with HMAC-SHA256 over its time, method, path and query (`X-Timestamp`, `X-Signature`).' },
));

export type HmacAuthConfig = Static<typeof HmacAuth>;

export const hmac = authGrammar({
  schema: HmacAuth,
  secretNames: (auth) => [auth.keyId, auth.key],
  catalogueText: () => 'HMAC-SHA256 signature',
});
