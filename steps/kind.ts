/**
 * What every step kind gives the pure registry (steps/registry.ts): its grammar, how it is
 * planned for the workflow, what validation checks beyond the schema, and how the
 * catalogue describes it. Pure: no I/O, importable by workflow code.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { ConfigProblem } from '../core/validate';

/** Where a step stands in its stream. */
export interface StepPlace {
  /** Index of the step in the stream's `steps`. */
  index: number;
  /** The stream's steps, in order (a dependent step finds its `from` among them). */
  all: readonly { name: string }[];
}

/** Where a step stands, as validation sees it. */
export interface StepCheckPlace extends StepPlace {
  /** JSON path of the step, `$.streams.daily.steps[1]`. */
  at: string;
  /** Names of the steps before it. */
  earlier: ReadonlySet<string>;
}

/** What the workflow learns of a step: never its requests or secrets. */
export interface StepPlanBase {
  kind: string;
  name: string;
}

export interface StepKind<G extends TSchema, P extends StepPlanBase> {
  grammar: G;
  /** Whether the kind calls the vendor's API: a vendor with such a step needs `baseUrl` and `auth`. */
  callsApi: boolean;
  plan(step: Static<G>, place: StepPlace): P;
  /** Semantic checks a schema cannot express; each problem names its JSON path. */
  check(step: Static<G>, place: StepCheckPlace, out: ConfigProblem[]): void;
  /** A few words for the catalogue: `paginated (cursor)`, `files from sftp`. */
  describe(step: Static<G>): string;
}
