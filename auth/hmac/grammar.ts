/**
 * Auth kind `hmac`: each request signed with an HMAC over a string built from a template
 * (Naver Search Ad: `${timestamp.ms}.${request.method}.${request.path}`), the signature
 * and its inputs sent in headers rendered from templates. Pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, Template, TemplateValue } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

const VARIABLES =
  '`request.method`, `request.path` (no query), `request.query` (the query string, no `?`), `request.body` (the body text, empty when none), ' +
  '`timestamp.ms` and `timestamp.s` (Unix time in milliseconds and seconds, as text), `timestamp.iso`, `nonce` (32 random hex digits, new per request) and `secrets.<name>`';

export const HmacAuth = shape('HmacAuth', 'HMAC signature auth', Type.Object(
  {
    kind: Type.Literal('hmac'),
    key: doc(SecretRef, 'Credential holding the HMAC key (used as UTF-8 bytes).', 'secret_key'),
    algorithm: Type.Optional(doc(Type.Union([Type.Literal('sha256'), Type.Literal('sha1'), Type.Literal('sha512')]), 'Hash of the HMAC. Default sha256.', 'sha256')),
    encoding: Type.Optional(doc(Type.Union([Type.Literal('base64'), Type.Literal('hex')]), 'How the signature is written. Default base64.', 'base64')),
    stringToSign: Template(`The text signed, rendered per request. Reads ${VARIABLES}.`, '${timestamp.ms}.${request.method}.${request.path}'),
    headers: doc(
      Type.Record(Type.String({ minLength: 1 }), TemplateValue, { minProperties: 1 }),
      `Headers sent with each request; values are templates reading \`signature\` and everything \`stringToSign\` reads (${VARIABLES}).`,
      { 'X-Timestamp': '${timestamp.ms}', 'X-API-KEY': '${secrets.api_key}', 'X-Signature': '${signature}' },
    ),
    secrets: Type.Optional(doc(Type.Array(SecretRef), 'Other credentials the templates read (an API key sent beside the signature).', ['api_key'])),
  },
  { additionalProperties: false, description: 'Each request signed with an HMAC over a string template of its method, path, query, body and time.' },
));

export type HmacAuthConfig = Static<typeof HmacAuth>;

export const hmac = authGrammar({
  schema: HmacAuth,
  secretNames: (auth) => [auth.key, ...(auth.secrets ?? []).filter((name) => name !== auth.key)],
  catalogueText: (auth) => `HMAC-${(auth.algorithm ?? 'sha256').toUpperCase()} signature in ${Object.keys(auth.headers).map((h) => `\`${h}\``).join(', ')}`,
});
