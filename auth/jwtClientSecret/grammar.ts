/** Auth kind `jwtClientSecret`: client credentials whose client secret is a JWT signed ES256 (Apple Search Ads). Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, SecretRef, shape, UrlTemplate } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const JwtClientSecretAuth = shape('JwtClientSecretAuth', 'JWT client secret auth', Type.Object(
  {
    kind: Type.Literal('jwtClientSecret'),
    tokenUrl: UrlTemplate('Token endpoint (absolute URL; `baseUrl` is the vendor base URL).', 'https://appleid.apple.com/auth/oauth2/token'),
    audience: doc(Type.String({ minLength: 1 }), 'The client secret\'s `aud` claim.', 'https://appleid.apple.com'),
    clientId: doc(SecretRef, 'Credential holding the client id: the `sub` claim and the `client_id` sent.', 'client_id'),
    teamId: doc(SecretRef, 'Credential holding the team id: the `iss` claim.', 'team_id'),
    keyId: doc(SecretRef, 'Credential holding the key id: the `kid` header.', 'key_id'),
    privateKey: doc(SecretRef, 'Credential holding the EC P-256 private key (PEM).', 'private_key'),
    scope: Type.Optional(doc(Type.String({ minLength: 1 }), 'Scope to request.', 'searchadsorg')),
    lifetimeSeconds: Type.Optional(doc(Type.Integer({ minimum: 60, maximum: 15_777_000 }), 'How long a client secret is valid (`exp` - `iat`). Default 600; a new one is signed for each token.', 600)),
  },
  {
    additionalProperties: false,
    description: 'OAuth 2 client credentials where the client secret is a JWT signed ES256 with the customer\'s private key (`alg` ES256, `kid`; `iss` team, `sub` client, `aud`, `iat`, `exp`); the access token is cached until shortly before it expires and renewed on a 401.',
  },
));

export type JwtClientSecretAuthConfig = Static<typeof JwtClientSecretAuth>;

export const jwtClientSecret = authGrammar({
  schema: JwtClientSecretAuth,
  secretNames: (auth) => [auth.clientId, auth.teamId, auth.keyId, auth.privateKey],
  issuesToken: true,
  catalogueText: () => 'OAuth2 client credentials, client secret a JWT (ES256)',
});
