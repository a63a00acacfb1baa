/**
 * Property chunking (core/property-chunks.ts): splitting a field list, merging the chunks'
 * records by key, and what `dif validate` says of a broken `chunk` block, by JSON path.
 */
import { ChunkMergeError, chunksOf, mergeChunkRecords, mergeKeyOf } from '../../../core/property-chunks';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

test('a list is split into chunks of at most size, in order', () => {
  expect(chunksOf(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  expect(chunksOf(['a'], 10)).toEqual([['a']]);
});

describe('merging by key', () => {
  // GA4 rows (RunReportResponse.rows): dimensionValues and, per chunk, the metricValues of the metrics it asked for.
  const row = (date: string, channel: string, ...metrics: string[]) => ({ dimensionValues: [{ value: date }, { value: channel }], metricValues: metrics.map((value) => ({ value })) });
  const ga4 = { mergeKey: ['record.dimensionValues'], concat: ['record.metricValues'] };

  test('GA4 rows: one row per dimension values, the second chunk\'s metrics after the first\'s, in the first chunk\'s order', () => {
    const merged = mergeChunkRecords([[row('20240301', 'Direct', '1', '2'), row('20240301', 'Email', '3', '4')], [row('20240301', 'Email', '30'), row('20240301', 'Direct', '10')]], ga4);
    expect(merged).toEqual([row('20240301', 'Direct', '1', '2', '10'), row('20240301', 'Email', '3', '4', '30')]);
  });

  test('HubSpot objects: properties merged object by object, by id', () => {
    const a = { id: '1', properties: { email: 'a@example.com', hs_object_id: '1' }, archived: false };
    const b = { id: '1', properties: { custom_score: '7', hs_object_id: '1' }, archived: false };
    expect(mergeChunkRecords([[a], [b]], { mergeKey: ['record.id'] })).toEqual([{ id: '1', properties: { email: 'a@example.com', hs_object_id: '1', custom_score: '7' }, archived: false }]);
  });

  test('a record missing from a chunk, or extra in one, or a key twice in a chunk fails naming the key', () => {
    expect(() => mergeChunkRecords([[row('1', 'A', '1'), row('1', 'B', '2')], [row('1', 'A', '3')]], ga4)).toThrow(ChunkMergeError);
    expect(() => mergeChunkRecords([[row('1', 'A', '1'), row('1', 'B', '2')], [row('1', 'A', '3')]], ga4)).toThrow(/merge key \[\[\{"value":"1"\},\{"value":"B"\}\]\] is missing from chunk 2/);
    expect(() => mergeChunkRecords([[row('1', 'A', '1')], [row('1', 'A', '3'), row('1', 'C', '4')]], ga4)).toThrow(/chunk 2 has a record with the merge key .*"C".* that chunk 1 does not have/);
    expect(() => mergeChunkRecords([[{ id: 1 }, { id: 1 }]], { mergeKey: ['record.id'] })).toThrow(/two records of chunk 1 have the merge key \[1\]/);
  });

  test('a field named __proto__ stays a field of the merged record, never its prototype', () => {
    const a = JSON.parse('{"id":"1","properties":{"__proto__":{"polluted":true}}}');
    const b = JSON.parse('{"id":"1","properties":{"__proto__":{"x":1}}}');
    const [merged] = mergeChunkRecords([[a], [b]], { mergeKey: ['record.id'] }) as any[];
    expect(Object.getPrototypeOf(merged.properties)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.hasOwn(merged.properties, '__proto__')).toBe(true);
  });

  test('keys compare by value: a missing key path is null', () => {
    expect(mergeKeyOf({ a: { b: [1] } }, ['record.a.b', 'record.missing'])).toBe('[[1],null]');
  });
});

describe('validation', () => {
  const STEP = '$.streams.campaign_daily.steps[0]';
  function chunked(chunk: Record<string, unknown>): any {
    const c = demoConfig();
    const step = c.streams.campaign_daily.steps[0];
    step.kind = 'paginated';
    step.pagination = { kind: 'cursor', next: 'response.next', param: 'cursor' };
    step.chunk = chunk;
    return c;
  }
  const good = { fields: ['a', 'b', 'c'], size: 2, param: 'fields', in: 'query', mergeKey: ['record.id'] };

  test('a good chunk block validates', () => {
    expect(() => validateVendorConfig(chunked(good), 'x.json')).not.toThrow();
  });

  test.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no field list', (({ fields: _, ...rest }) => rest)(good), `${STEP}.chunk`, /needs "fields" .* or "fieldsFrom"/],
    ['both lists', { ...good, fieldsFrom: 'inputs.fields' }, `${STEP}.chunk`, /not both/],
    ['a merge key that is not a path', { ...good, mergeKey: ['record.id', 'record.a + 1'] }, `${STEP}.chunk.mergeKey[1]`, /not a plain path from record/],
    ['a concat path from elsewhere', { ...good, concat: ['response.rows'] }, `${STEP}.chunk.concat[0]`, /not a plain path from record/],
    ['objects joined into a query', { ...good, fields: [{ name: 'a' }] }, `${STEP}.chunk.fields`, /each must be a string or a number/],
    ['a body param reaching the prototype', { ...good, in: 'body', param: 'a.__proto__' }, `${STEP}.chunk.param`, /__proto__/],
    ['a separator for a body', { ...good, in: 'body', separator: ';' }, `${STEP}.chunk.separator`, /only joins fields sent in the query/],
    ['a field holding the separator', { ...good, fields: ['a', 'b,c'] }, `${STEP}.chunk.fields[1]`, /holds the separator ","/],
    ['a size of 0', { ...good, size: 0 }, `${STEP}.chunk.size`, /greater or equal to 1/],
    ['an unknown field', { ...good, mergekey: ['record.id'] }, `${STEP}.chunk.mergekey`, /unknown field "mergekey"/],
  ])('%s is named at its path', (_, chunk, path, message) => {
    const problem = problemsOf(chunked(chunk)).find((p) => p.path === path);
    expect(problem?.message).toMatch(message);
  });

  test('only the last step may chunk', () => {
    const c = chunked(good);
    c.streams.campaign_daily.steps.push({ kind: 'dependent', name: 'details', from: 'stats', items: 'record.id', request: { path: '/v1/x/${parent}' } });
    expect(problemsOf(c).map((p) => [p.path, p.message])).toContainEqual([`${STEP}.chunk`, expect.stringMatching(/only the stream's last step/)]);
  });
});
