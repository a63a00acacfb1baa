/**
 * Pagination parameters in a JSON body: dotted names set nested fields beside the
 * request's own (Apple Search Ads `selector.pagination.offset` next to `selector.orderBy`),
 * never a prototype; an offset grows by `advanceBy` when records are not one per item; and
 * validation names each mistake by its path.
 */
import { bodyPathProblem, withBodyParameters } from '../../../core/body-paths';
import { firstPage, nextPage, pageParameters } from '../../../core/pagination';
import type { PaginationConfig } from '../../../core/config-schema';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const apple: PaginationConfig = { kind: 'offset', in: 'body', offsetParam: 'selector.pagination.offset', limitParam: 'selector.pagination.limit', limit: 1000, advanceBy: 'response.rows.length' };

test('dotted parameters are written inside the rendered body, which is not changed', () => {
  const rendered = { granularity: 'DAILY', selector: { orderBy: [{ field: 'campaignId' }] } };
  const { body } = pageParameters(apple, firstPage(apple));
  expect(withBodyParameters(rendered, body)).toEqual({ granularity: 'DAILY', selector: { orderBy: [{ field: 'campaignId' }], pagination: { offset: 0, limit: 1000 } } });
  expect(rendered).toEqual({ granularity: 'DAILY', selector: { orderBy: [{ field: 'campaignId' }] } });
  expect(withBodyParameters({ a: 1 }, { limit: 5 })).toEqual({ a: 1, limit: 5 }); // plain names as before
});

test('a parameter cannot reach a prototype, nor go inside a value that is not an object', () => {
  expect(() => withBodyParameters({}, { '__proto__.polluted': 1 })).toThrow('"__proto__.polluted" names "__proto__", which every JavaScript object has; it cannot be a body field');
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(() => withBodyParameters({ selector: 'x' }, { 'selector.offset': 1 })).toThrow('"selector.offset": the body\'s "selector" is not an object');
  expect(() => withBodyParameters([1], { offset: 1 })).toThrow('need a JSON object body, not an array');
  expect(bodyPathProblem('a..b')).toMatch(/empty segment/);
  expect(bodyPathProblem('selector.pagination.offset')).toBeUndefined();
});

test('the offset grows by advanceBy\'s items, and a page of fewer items than the limit is the last', () => {
  const first = firstPage(apple);
  // 1,000 rows flattened into 2,000 daily records: the next offset is 1,000.
  expect(nextPage(apple, { onEmptyPage: false }, undefined, first, { records: 2000, items: 1000 }, 'https://x')).toEqual({ next: { page: 2, received: 2000, offset: 1000 } });
  expect(nextPage(apple, { onEmptyPage: false }, undefined, { page: 2, received: 2000, offset: 1000 }, { records: 2, items: 1 }, 'https://x')).toEqual({ done: 'short page' });
  // Without advanceBy, as before: by the records.
  const plain: PaginationConfig = { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 10 };
  expect(nextPage(plain, undefined, undefined, firstPage(plain), { records: 10 }, 'https://x')).toEqual({ next: { page: 2, received: 10, offset: 10 } });
});

test('validation names body parameters that reach a prototype, and a body that is not an object', () => {
  const config = demoConfig();
  const step = config.streams.campaign_daily.steps[0];
  step.kind = 'paginated';
  step.pagination = { kind: 'offset', in: 'body', offsetParam: 'constructor.prototype.x', limitParam: 'page.size', limit: 10 };
  step.request = { ...step.request, method: 'POST', body: ['not', 'an', 'object'] };
  expect(problemsOf(config)).toEqual([
    { path: '$.streams.campaign_daily.steps[0].request.body', message: 'is not a JSON object, so the pagination (in: "body") has nowhere to put its parameters' },
    { path: '$.streams.campaign_daily.steps[0].pagination.offsetParam', message: '"constructor.prototype.x" names "constructor", which every JavaScript object has; it cannot be a body field' },
  ]);
});
