/**
 * The auth kinds DIF knows, as grammar: the `Auth` union of the config schema and each
 * kind's facts (credentials named, catalogue text). Adding a kind is its folder plus one
 * line here and one in auth/signer-registry.ts. Pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, shape } from '../core/schema-parts';
import type { ConfigProblem } from '../core/validate';
import type { AuthGrammar, KindSchema } from './kind-grammar';
import { apiKey } from './apiKey/grammar';
import { basic } from './basic/grammar';
import { bearer } from './bearer/grammar';
import { header } from './header/grammar';
import { login } from './login/grammar';
import { none } from './none/grammar';
import { oauth2 } from './oauth2/grammar';
import { hmac } from './hmac/grammar';
import { awsSigV4 } from './awsSigV4/grammar';
import { googleServiceAccount } from './googleServiceAccount/grammar';
import { jwtClientSecret } from './jwtClientSecret/grammar';
import { oauth1 } from './oauth1/grammar';

/** In the published schema's order. */
const grammars = [apiKey, bearer, basic, header, oauth2, googleServiceAccount, jwtClientSecret, login, none, hmac, awsSigV4, oauth1] as const;

type Schemas<T extends readonly AuthGrammar<KindSchema>[]> = { -readonly [I in keyof T]: T[I]['schema'] };

export const Auth = shape('Auth', 'Authentication', doc(
  Type.Union(grammars.map((g) => g.schema) as unknown as Schemas<typeof grammars>),
  'How requests are authenticated.',
));

export type AuthConfig = Static<typeof Auth>;
export type AuthKind = AuthConfig['kind'];
export type AuthOfKind<K extends AuthKind> = Extract<AuthConfig, { kind: K }>;

const byKind = new Map<string, AuthGrammar<KindSchema>>(grammars.map((g) => [g.schema.properties.kind.const, g as unknown as AuthGrammar<KindSchema>]));

function grammarOf(auth: AuthConfig): AuthGrammar<KindSchema> {
  const grammar = byKind.get(auth.kind);
  if (!grammar) throw new Error(`unknown auth kind ${JSON.stringify(auth.kind)}`);
  return grammar;
}

/** The credentials an auth block names (none for a files-only vendor, which has no auth). */
export function authSecretNames(auth: AuthConfig | undefined): string[] {
  return auth ? grammarOf(auth).secretNames(auth) : [];
}

/** Credential names sent joined as `a:b`, scrubbed as a pair too. */
export function authSecretPairs(auth: AuthConfig): [string, string][] {
  return grammarOf(auth).secretPairs?.(auth) ?? [];
}

/** The kind's own checks of an auth block, beyond the schema. */
export function authProblems(auth: AuthConfig | undefined, out: ConfigProblem[]): void {
  if (auth) grammarOf(auth).check?.(auth, out);
}

export function authCatalogueText(auth: AuthConfig): string {
  return grammarOf(auth).catalogueText(auth);
}
