/** Auth kind `login`: a login call whose answer gives a session token. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { DAY_SECONDS, doc, Expression, RequestSpec, SecretRef, shape, Template } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const LoginAuth = shape('LoginAuth', 'Login session auth', Type.Object(
  {
    kind: Type.Literal('login'),
    request: doc(RequestSpec, 'The login call; its templates see `secrets.<name>`.', { method: 'POST', path: '/login', form: { user: '${secrets.username}' } }),
    secrets: doc(Type.Array(SecretRef, { minItems: 1 }), 'Credentials the login request uses.', ['username', 'password']),
    basic: Type.Optional(
      doc(
        Type.Object({ username: SecretRef, password: SecretRef }, { additionalProperties: false }),
        'The login call sends these two credentials as HTTP Basic (`Authorization: Basic` and the base64 of `user:password`), which a template cannot write: Outbrain Amplify\'s GET /login. List them in `secrets` too.',
        { username: 'username', password: 'password' },
      ),
    ),
    token: Expression('Expression over the login `response` giving the session token.', 'response.session_token'),
    header: doc(Type.String({ minLength: 1 }), 'Header that carries the token on every request.', 'X-Session-Token'),
    value: Type.Optional(Template('Header value; `token` is the session token. Default `${token}`.', 'Bearer ${token}')),
    ttlSeconds: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 365 * DAY_SECONDS }), 'How long a session lasts (at most a year); it is renewed earlier on a 401.', 3600)),
  },
  { additionalProperties: false, description: 'A login call that yields a session token.' },
));

export type LoginAuthConfig = Static<typeof LoginAuth>;

export const login = authGrammar({
  schema: LoginAuth,
  secretNames: (auth) => auth.secrets,
  // The Basic header's base64 shows neither half: the pair is registered whole, to be scrubbed.
  secretPairs: (auth) => (auth.basic ? [[auth.basic.username, auth.basic.password]] : []),
  check: (auth, out) => {
    for (const name of auth.basic ? [auth.basic.username, auth.basic.password] : []) {
      if (!auth.secrets.includes(name)) out.push({ path: '$.auth.basic', message: `names credential "${name}", which $.auth.secrets does not list` });
    }
  },
  issuesToken: true,
  catalogueText: (auth) => `login session in \`${auth.header}\``,
});
