/**
 * The cost model of GraphQL answers (core/query-cost.ts): the wait before the next query is
 * driven by Shopify's throttleStatus alone: the points missing for another query of the
 * same requested cost, refilled at restoreRate.
 */
import { costHold, readCost } from '../../../core/query-cost';
import { graphqlErrorMessage, graphqlErrors } from '../../../core/graphql-answer';

/** An answer's extensions as Shopify documents them (GraphQL Admin API rate limits). */
const answer = (requestedQueryCost: number, currentlyAvailable: number, restoreRate = 100, maximumAvailable = 2000) => ({
  data: {},
  extensions: { cost: { requestedQueryCost, actualQueryCost: requestedQueryCost - 2, throttleStatus: { maximumAvailable, currentlyAvailable, restoreRate } } },
});

describe('shopify cost', () => {
  test('reads throttleStatus and the requested cost', () => {
    expect(readCost('shopify', answer(152, 1848))).toEqual({ available: 1848, maximum: 2000, restorePerSecond: 100, requested: 152 });
  });

  test('no wait while the bucket holds another query of the same cost', () => {
    expect(costHold(readCost('shopify', answer(152, 152))!, 60_000)).toBeUndefined();
    expect(costHold(readCost('shopify', answer(152, 1848))!, 60_000)).toBeUndefined();
  });

  test('the wait is the missing points over the restore rate', () => {
    // 152 asked, 50 left, 100 points a second: 1.02 s.
    expect(costHold(readCost('shopify', answer(152, 50))!, 60_000)).toEqual({ holdMs: 1020, reason: expect.stringContaining('152 with 50 of 2000') });
    // The same shortfall at a Plus store's restore rate (1000/s) is ten times shorter.
    expect(costHold(readCost('shopify', answer(152, 50, 1000))!, 60_000)!.holdMs).toBe(102);
  });

  test('a THROTTLED answer (actualQueryCost null, no data) gives the wait before the retry', () => {
    const throttled = {
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
      extensions: { cost: { requestedQueryCost: 752, actualQueryCost: null, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 666, restoreRate: 50 } } },
    };
    expect(costHold(readCost('shopify', throttled)!, 60_000)!.holdMs).toBe(1720);
  });

  test('never asks for more than the bucket holds, and never waits past the cap', () => {
    expect(costHold(readCost('shopify', answer(5000, 0, 50, 1000))!, 60_000)!.holdMs).toBe(20_000); // 1000 points at most
    expect(costHold(readCost('shopify', answer(1000, 0, 0.5, 1000))!, 60_000)!.holdMs).toBe(60_000);
  });

  test('an answer without cost, or with a nonsensical restore rate, reads as nothing', () => {
    expect(readCost('shopify', { data: {} })).toBeUndefined();
    expect(readCost('shopify', answer(10, 0, 0))).toBeUndefined();
    expect(readCost('shopify', 'text')).toBeUndefined();
  });
});

describe('graphql errors', () => {
  test('errors in an answer, with code and path in the message', () => {
    const errors = graphqlErrors({
      data: null,
      errors: [{ message: "Field 'bogus' doesn't exist on type 'Order'", path: ['query', 'orders', 'nodes', 'bogus'], extensions: { code: 'undefinedField' } }],
    });
    expect(graphqlErrorMessage(errors)).toBe("Field 'bogus' doesn't exist on type 'Order' (undefinedField) (at query.orders.nodes.bogus)");
  });

  test('no errors, an empty list or a non-answer: nothing', () => {
    expect(graphqlErrors({ data: { a: 1 } })).toEqual([]);
    expect(graphqlErrors({ data: { a: 1 }, errors: [] })).toEqual([]);
    expect(graphqlErrors([1])).toEqual([]);
  });

  test('a long list is cut after five', () => {
    const errors = graphqlErrors({ errors: Array.from({ length: 7 }, (_, i) => ({ message: `e${i}` })) });
    expect(graphqlErrorMessage(errors)).toBe('e0; e1; e2; e3; e4; and 2 more');
  });
});
