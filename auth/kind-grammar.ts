/**
 * What one auth kind says about itself without running: its grammar piece, the
 * credentials a block of it names, and its line in the catalogue. Each kind's grammar.ts
 * exports one of these; auth/grammar-registry.ts lists them. Pure.
 */
import type { Static, TObject, TLiteral } from '@sinclair/typebox';
import type { ConfigProblem } from '../core/validate';

/** A kind's schema: an object whose `kind` is a string literal. */
export type KindSchema = TObject & { properties: { kind: TLiteral<string> } };

export interface AuthGrammar<S extends KindSchema = KindSchema> {
  schema: S;
  /**
   * The credentials a block of this kind names: what its templates may read as
   * `secrets.<name>`, what validation lets them name, and what its signer reveals.
   */
  secretNames(auth: Static<S>): string[];
  /**
   * Credentials sent joined as `a:b` (a Basic header): the secret scope scrubs the pair
   * whole, since its base64 spelling contains neither half.
   */
  secretPairs?(auth: Static<S>): [string, string][];
  /** Checks a schema cannot express (fields one grant needs and another refuses), each named by its `$.auth…` path. */
  check?(auth: Static<S>, out: ConfigProblem[]): void;
  /** How docs/catalogue.md describes a block of this kind. */
  catalogueText(auth: Static<S>): string;
}

/** Declares a kind's grammar, typing its functions by its schema. */
export const authGrammar = <S extends KindSchema>(grammar: AuthGrammar<S>): AuthGrammar<S> => grammar;
