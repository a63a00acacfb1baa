/** Auth kind `none`: the API needs no authentication. Pure. */
import { Type, type Static } from '@sinclair/typebox';
import { shape } from '../../core/schema-parts';
import { authGrammar } from '../kind-grammar';

export const NoAuth = shape('NoAuth', 'No auth', Type.Object(
  { kind: Type.Literal('none') },
  { additionalProperties: false, description: 'The API needs no authentication.' },
));

export type NoAuthConfig = Static<typeof NoAuth>;

export const none = authGrammar({
  schema: NoAuth,
  secretNames: () => [],
  catalogueText: () => 'none',
});
