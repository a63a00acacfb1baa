/**
 * The step kinds, one line each: grammar, planner, checks and catalogue words (pure; the
 * workflow drivers are in steps/workflow-registry.ts, the activities in
 * steps/activity-registry.ts). The order is the published schema's `$defs.Step.oneOf`.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { StepKind, StepPlanBase } from './kind';
import { checkStepRequests } from './shared/validate';
import { describeSingle, SingleStep } from './single/grammar';
import { planSingle } from './single/plan';
import { describePaginated, PaginatedStep } from './paginated/grammar';
import { planPaginated } from './paginated/plan';
import { checkPaginated } from './paginated/validate';
import { DependentStep, describeDependent } from './dependent/grammar';
import { planDependent } from './dependent/plan';
import { checkDependent } from './dependent/validate';
import { AsyncStep, describeAsync } from './async/grammar';
import { planAsync } from './async/plan';
import { checkAsync } from './async/validate';
import { describeFiles, FilesStep } from './files/grammar';
import { planFiles } from './files/plan';
import { checkFiles } from './files/validate';

export const stepKinds = {
  single: { grammar: SingleStep, callsApi: true, plan: planSingle, check: checkStepRequests, describe: describeSingle },
  paginated: { grammar: PaginatedStep, callsApi: true, plan: planPaginated, check: checkPaginated, describe: describePaginated },
  dependent: { grammar: DependentStep, callsApi: true, plan: planDependent, check: checkDependent, describe: describeDependent },
  async: { grammar: AsyncStep, callsApi: true, plan: planAsync, check: checkAsync, describe: describeAsync },
  files: { grammar: FilesStep, callsApi: false, plan: planFiles, check: checkFiles, describe: describeFiles },
} satisfies Record<string, StepKind<TSchema, StepPlanBase>>;

export type StepKindName = keyof typeof stepKinds;
type GrammarOf<K extends StepKindName> = (typeof stepKinds)[K]['grammar'];
/** The config of a step of kind K. */
export type StepConfigOf<K extends StepKindName> = Static<GrammarOf<K>>;
/** What the workflow knows of a step: one variant per kind, told apart by `kind`. */
export type StepPlan = { [K in StepKindName]: ReturnType<(typeof stepKinds)[K]['plan']> }[StepKindName];
export type StepPlanOf<K extends StepKindName> = Extract<StepPlan, { kind: K }>;

/**
 * The registry as a lookup that keeps the kind, so `stepKindOf(step.kind).plan(step)`
 * type-checks for a step of any kind; and an entry whose planner gives another kind's
 * plan fails to compile here.
 */
const kinds: { [K in StepKindName]: StepKind<GrammarOf<K>, StepPlanOf<K>> } = stepKinds;

/** The step's entry in the registry. */
export function stepKindOf<K extends StepKindName>(kind: K): StepKind<GrammarOf<K>, StepPlanOf<K>> {
  return kinds[kind];
}
