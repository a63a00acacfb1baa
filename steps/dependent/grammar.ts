/** The grammar of a dependent step: one call (or pagination) per item of an earlier step. */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, shape } from '../../core/schema-parts';
import { fetchFields, Pagination, pagingWords, StopRule } from '../shared/grammar';

/** What an error answer to one item's call means (steps/dependent/item-errors.ts applies it). */
export const ItemErrorRule = shape('ItemErrorRule', 'Item error rule', Type.Object(
  {
    status: doc(Type.Array(Type.Integer({ minimum: 400, maximum: 599 }), { minItems: 1, maxItems: 20 }), 'The HTTP statuses this rule is for.', [403, 404]),
    when: Type.Optional(
      Expression(
        'Expression over the error answer: `response` (its body, parsed when JSON) and `status`; the rule holds only when it is true.',
        "response.serviceErrorCode === 100 || response.code === 'ACCESS_DENIED'",
      ),
    ),
    outcome: doc(
      Type.Union([Type.Literal('ignore'), Type.Literal('fail'), Type.Literal('retry')]),
      '`ignore`: skip this item (counted and named in the run summary and memo); `fail`: fail the run at once; `retry`: retry the call as a transient error.',
      'ignore',
    ),
  },
  { additionalProperties: false, description: 'What an error answer to one item\'s call means; the first rule that holds decides.' },
));

export type ItemErrorRuleConfig = Static<typeof ItemErrorRule>;

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
    onItemError: Type.Optional(
      doc(
        Type.Array(ItemErrorRule, { minItems: 1, maxItems: 10 }),
        'What an error answer to one item\'s call means (first rule that holds decides); without a matching rule, errors fail or retry as usual.',
        [{ status: [404], outcome: 'ignore' }],
      ),
    ),
  },
  { additionalProperties: false, description: 'A call made once per item taken from an earlier step (ids, accounts, report rows).' },
));

export type DependentStepConfig = Static<typeof DependentStep>;

export const describeDependent = (step: DependentStepConfig): string => `dependent${pagingWords(step)}`;
