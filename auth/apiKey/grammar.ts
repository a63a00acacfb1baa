/** Auth kind `apiKey`: a static key in a header or the query string. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const ApiKeyAuth = shape('ApiKeyAuth', 'API key auth', Type.Object(
  {
    kind: Type.Literal('apiKey'),
    in: doc(Type.Union([Type.Literal('header'), Type.Literal('query')]), 'Where the key is sent.', 'header'),
    name: doc(Type.String({ minLength: 1 }), 'Header or query parameter name.', 'X-Api-Key'),
    secret: SecretRef,
  },
  { additionalProperties: false, description: 'A static API key sent in a header or the query string.' },
));

export type ApiKeyAuthConfig = Static<typeof ApiKeyAuth>;

export const apiKey = authGrammar({
  schema: ApiKeyAuth,
  secretNames: (auth) => [auth.secret],
  catalogueText: (auth) => `API key in ${auth.in} \`${auth.name}\``,
});
