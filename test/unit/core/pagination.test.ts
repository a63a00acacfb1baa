/** Pagination decisions: the next page's parameters and when to stop, free of I/O. */
import { firstPage, linkNext, nextPage, pageParameters, restartStalls } from '../../../core/pagination';
import type { PaginationConfig } from '../../../core/config-schema';

const base = 'https://api.example.com';

test('cursor: the next token goes to the named parameter; no token ends', () => {
  const p: PaginationConfig = { kind: 'cursor', next: 'response.next', param: 'after' };
  const first = firstPage(p);
  expect(pageParameters(p, first).query).toEqual({});
  const second = nextPage(p, undefined, undefined, first, { records: 10, next: 'abc' }, base);
  expect(second).toEqual({ next: { page: 2, received: 10, cursor: 'abc' } });
  expect(pageParameters(p, (second as { next: never }).next).query).toEqual({ after: 'abc' });
  expect(nextPage(p, undefined, undefined, first, { records: 10, next: '' }, base)).toEqual({ done: 'no next cursor' });
});

test('cursor in the body (Google Ads pageToken)', () => {
  const p: PaginationConfig = { kind: 'cursor', next: 'response.nextPageToken', param: 'pageToken', in: 'body' };
  expect(pageParameters(p, { page: 2, received: 4, cursor: 't2' })).toEqual({ query: {}, body: { pageToken: 't2' }, variables: {}, url: undefined });
});

test('a page whose records cannot be counted (-1, CSV) goes on by its cursor and counts nothing', () => {
  const p: PaginationConfig = { kind: 'cursor', next: 'x', param: 'locator' };
  expect(nextPage(p, undefined, undefined, { page: 1, received: 0 }, { records: -1, next: 'MTAwMDA' }, base)).toEqual({
    next: { page: 2, received: 0, cursor: 'MTAwMDA' },
  });
});

test('offset: grows by the records received, stops on a short page or at the total', () => {
  const p: PaginationConfig = { kind: 'offset', offsetParam: 'offset', limitParam: 'limit', limit: 50 };
  const first = firstPage(p);
  expect(pageParameters(p, first).query).toEqual({ offset: '0', limit: '50' });
  expect(nextPage(p, undefined, undefined, first, { records: 50 }, base)).toEqual({ next: { page: 2, received: 50, offset: 50 } });
  expect(nextPage(p, undefined, undefined, first, { records: 20 }, base)).toEqual({ done: 'short page' });
  expect(nextPage(p, { total: 'response.total' }, undefined, { page: 2, received: 50, offset: 50 }, { records: 50, total: 100 }, base)).toEqual({
    done: 'total of 100 records reached',
  });
});

test('empty pages, stop.when and the page cap end a pagination', () => {
  const p: PaginationConfig = { kind: 'page', pageParam: 'page' };
  const state = { page: 3, received: 40, pageNumber: 3 };
  expect(nextPage(p, undefined, undefined, state, { records: 0 }, base)).toEqual({ done: 'empty page' });
  expect(nextPage(p, { when: 'x' }, undefined, state, { records: 5, stopWhen: true }, base)).toEqual({ done: 'stop.when held' });
  expect(nextPage(p, undefined, 3, state, { records: 5 }, base)).toEqual({ done: 'page cap of 3 reached' });
  expect(nextPage(p, undefined, undefined, state, { records: 5 }, base)).toEqual({ next: { page: 4, received: 45, pageNumber: 4 } });
});

test('next URLs resolve against the base; the Link header gives rel="next" among others', () => {
  const p: PaginationConfig = { kind: 'nextUrl', next: 'response.next' };
  expect(nextPage(p, undefined, undefined, { page: 1, received: 0 }, { records: 1, next: '/v1/items?page=2' }, base)).toEqual({
    next: { page: 2, received: 1, url: 'https://api.example.com/v1/items?page=2' },
  });
  const header = '<https://api.github.com/repos/o/r/issues?page=1>; rel="prev", <https://api.github.com/repos/o/r/issues?page=3>; rel="next", <https://api.github.com/repos/o/r/issues?page=5>; rel="last"';
  expect(linkNext(header)).toBe('https://api.github.com/repos/o/r/issues?page=3');
  expect(linkNext('<https://x/?page=5>; rel="last"')).toBeUndefined();
  expect(linkNext(null)).toBeUndefined();
});

test('restart: a capped query starts over from its anchor, numbered on; an anchor that does not move fails', () => {
  const p: PaginationConfig = { kind: 'cursor', next: 'response.paging?.next?.after', param: 'after', in: 'body' };
  const at = { page: 50, received: 9800, cursor: '9800' };
  // The cap is reached: no `after`, a first page again, anchored.
  const restarted = nextPage(p, undefined, undefined, at, { records: 200, next: '10000', restart: '2026-11-30T08:15:00.000Z' }, base);
  expect(restarted).toEqual({ next: { page: 51, received: 10000, anchor: '2026-11-30T08:15:00.000Z' } });
  expect(pageParameters(p, (restarted as { next: never }).next).body).toEqual({});
  // The anchor is kept on the pages after it, with their cursors.
  expect(nextPage(p, undefined, undefined, { page: 51, received: 10000, anchor: 'A' }, { records: 200, next: '200' }, base)).toEqual({
    next: { page: 52, received: 10200, cursor: '200', anchor: 'A' },
  });
  // A stop rule or an empty page still ends it.
  expect(nextPage(p, undefined, undefined, at, { records: 0, next: '10000', restart: 'B' }, base)).toEqual({ done: 'empty page' });
  expect(restartStalls({ page: 1, received: 0 }, '2026-11-30T08:15:00.000Z')).toBeUndefined();
  expect(restartStalls({ page: 9, received: 0, anchor: 'A' }, 'B')).toBeUndefined();
  expect(restartStalls({ page: 9, received: 0, anchor: 'A' }, 'A')).toMatch(/restart\.anchor gave "A" again: more records share that value than one query returns/);
  expect(restartStalls({ page: 9, received: 0 }, undefined)).toBe('restart.anchor gave no value');
});
