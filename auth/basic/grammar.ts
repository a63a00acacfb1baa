/** Auth kind `basic`: HTTP Basic from two credentials, or a customer input and a credential. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, Template } from '../../core/schema-parts';
import type { ConfigProblem } from '../../core/validate';
import { authGrammar } from '../kind-grammar';

export const BasicAuth = shape('BasicAuth', 'Basic auth', Type.Object(
  {
    kind: Type.Literal('basic'),
    username: Type.Optional(doc(SecretRef, 'Credential holding the user name. Give `username` or `usernameTemplate`.', 'username')),
    usernameTemplate: Type.Optional(
      Template(
        'The user name written from the customer\'s `inputs`, when it is no secret and the config needs it elsewhere too (Impact: the Account SID is the user name and a path id). Give `username` or `usernameTemplate`.',
        '${inputs.account_sid}',
      ),
    ),
    password: Type.Optional(
      doc(
        SecretRef,
        'Credential holding the password. Absent: an empty password, for vendors whose API key is the whole Basic user name (`api_key:`: Chargebee, Close).',
        'password',
      ),
    ),
  },
  { additionalProperties: false, description: 'HTTP Basic authentication.' },
));

export type BasicAuthConfig = Static<typeof BasicAuth>;

function userProblems(auth: BasicAuthConfig, out: ConfigProblem[]): void {
  if ((auth.username === undefined) === (auth.usernameTemplate === undefined)) {
    out.push({ path: '$.auth', message: 'give one of username (a credential) or usernameTemplate (from inputs), not both or neither' });
  }
}

export const basic = authGrammar({
  schema: BasicAuth,
  secretNames: (auth) => [...(auth.username ? [auth.username] : []), ...(auth.password ? [auth.password] : [])],
  // A templated user name is paired at signing, once it is rendered (basic/signer.ts). A key
  // sent as the user with an empty password needs no pair: the key's base64 cores, scrubbed
  // with the key, cover base64("key:") but for its last characters (secret-forms.ts).
  secretPairs: (auth) => (auth.username && auth.password ? [[auth.username, auth.password]] : []),
  check: (auth, out) => {
    userProblems(auth, out);
    if (auth.password === undefined && auth.usernameTemplate !== undefined) {
      out.push({ path: '$.auth.password', message: 'a Basic user name from the inputs needs a password credential: without one nothing secret is sent' });
    }
  },
  catalogueText: (auth) => (auth.usernameTemplate ? 'basic (user name from inputs)' : 'basic'),
});
