/** Auth kind `header`: one header whose value template reads the listed credentials. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, Template } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const HeaderAuth = shape('HeaderAuth', 'Header auth', Type.Object(
  {
    kind: Type.Literal('header'),
    name: doc(Type.String({ minLength: 1 }), 'Header name.', 'Authorization'),
    value: Template('Header value; `secrets.<name>` holds each listed credential, `inputs.<name>` the customer\'s inputs.', 'Token token=${secrets.api_token}'),
    secrets: doc(Type.Array(SecretRef, { minItems: 1 }), 'Credentials the value uses.', ['api_token']),
  },
  { additionalProperties: false, description: 'A header built from one or more credentials.' },
));

export type HeaderAuthConfig = Static<typeof HeaderAuth>;

export const header = authGrammar({
  schema: HeaderAuth,
  secretNames: (auth) => auth.secrets,
  catalogueText: (auth) => `header \`${auth.name}\``,
});
