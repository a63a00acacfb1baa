/** The grammar of a dependent step: one call (or pagination) per item of an earlier step. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, shape } from '../../core/schema-parts';
import { fetchFields, Pagination, pagingWords, StopRule } from '../shared/grammar';

export const DependentStep = shape('DependentStep', 'Dependent step', Type.Object(
  {
    kind: Type.Literal('dependent'),
    ...fetchFields,
    from: Type.Optional(doc(Identifier, 'Step whose responses provide the items. Default: the previous step.', 'campaigns')),
    items: Expression(
      'Expression over each response of the `from` step giving the items to call this step for; each item is `parent` in this step’s expressions (and its records), outer items are `ancestors`.',
      'response.data.map(c => ({ id: c.id, name: c.name }))',
    ),
    concurrency: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 100 }), 'Calls in flight at once. Default 4.', 4)),
    batchSize: Type.Optional(
      doc(Type.Integer({ minimum: 1, maximum: 10_000 }), 'Items per activity: fewer, larger batches mean a shorter workflow history. Default 200.', 200),
    ),
    pagination: Type.Optional(Pagination),
    stop: Type.Optional(StopRule),
    maxPages: Type.Optional(doc(Type.Integer({ minimum: 1, maximum: 1_000_000 }), 'Pages per item at most.', 5)),
  },
  { additionalProperties: false, description: 'A call made once per item taken from an earlier step (ids, accounts, report rows).' },
));

export type DependentStepConfig = Static<typeof DependentStep>;

export const describeDependent = (step: DependentStepConfig): string => `dependent${pagingWords(step)}`;
