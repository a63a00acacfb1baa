/** The grammar of `rateLimit.queryCost`: cost-based throttling read from GraphQL answers (core/query-cost.ts). */
import { Type, type Static } from '@sinclair/typebox';
import { DAY_SECONDS, doc } from './schema-parts';
import { QUERY_COST_FORMATS } from './query-cost';

export const QueryCost = Type.Object(
  {
    format: doc(
      Type.Union(QUERY_COST_FORMATS.map((f) => Type.Literal(f))),
      'How the answer reports its cost: `shopify` (`extensions.cost`: `requestedQueryCost` and `throttleStatus` {maximumAvailable, currentlyAvailable, restoreRate}, a bucket of points refilled at restoreRate a second).',
      'shopify',
    ),
    maxHoldSeconds: Type.Optional(
      doc(Type.Number({ minimum: 0.1, maximum: DAY_SECONDS }), 'Longest hold, whatever the answer says. Default 60: a request waits inside its activity (10 minutes at most).', 60),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Cost-based throttling for GraphQL vendors: after every answer of a `graphql` request, when the bucket holds less than the query just sent asked for, every worker (through the shared Redis limiter) holds its next request of this vendor and scope until the restore rate has refilled the difference. A THROTTLED answer is retried after that wait too.',
  },
);

export type QueryCostConfig = Static<typeof QueryCost>;

export const queryCostMaxHoldMs = (config: QueryCostConfig): number => (config.maxHoldSeconds ?? 60) * 1000;
