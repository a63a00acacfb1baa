/** Auth kind `basic`: HTTP Basic from two credentials. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const BasicAuth = shape('BasicAuth', 'Basic auth', Type.Object(
  {
    kind: Type.Literal('basic'),
    username: doc(SecretRef, 'Credential holding the user name.', 'username'),
    password: doc(SecretRef, 'Credential holding the password.', 'password'),
  },
  { additionalProperties: false, description: 'HTTP Basic authentication.' },
));

export type BasicAuthConfig = Static<typeof BasicAuth>;

export const basic = authGrammar({
  schema: BasicAuth,
  secretNames: (auth) => [auth.username, auth.password],
  secretPairs: (auth) => [[auth.username, auth.password]],
  catalogueText: () => 'basic',
});
