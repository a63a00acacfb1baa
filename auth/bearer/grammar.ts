/** Auth kind `bearer`: `Authorization: Bearer <secret>`. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { SecretRef, shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const BearerAuth = shape('BearerAuth', 'Bearer token auth', Type.Object(
  { kind: Type.Literal('bearer'), secret: SecretRef },
  { additionalProperties: false, description: 'Authorization: Bearer <secret>.' },
));

export type BearerAuthConfig = Static<typeof BearerAuth>;

export const bearer = authGrammar({
  schema: BearerAuth,
  secretNames: (auth) => [auth.secret],
  catalogueText: () => 'bearer',
});
