/**
 * Incremental streams: where a run reads from, lookbacks, cursor values, and what
 * `dif validate` says of a broken `incremental` block (each problem by its JSON path).
 */
import { canonicalCursor, laterCursor, lookbackSeconds, stateVariables } from '../../../core/incremental';
import { validateVendorConfig } from '../../../core/validate';
import { demoConfig, problemsOf } from '../helpers/config-problems';

const STREAM = '$.streams.campaign_daily';

/** The demo stream made incremental on a new `updated_at` timestamp column, its request reading state.since. */
function incremental(block: Record<string, unknown> = {}): any {
  const c = demoConfig();
  const s = c.streams.campaign_daily;
  s.table.columns.push({ name: 'updated_at', type: 'timestamp' });
  s.steps[0].request.query.since = '${state.since}';
  s.incremental = { cursor: 'updated_at', ...block };
  return c;
}

describe('lookback', () => {
  test.each<[unknown, number]>([[undefined, 0], [0, 0], [3600, 3600], ['PT1H', 3600], ['P1D', 86_400], ['P1DT2H30M5S', 86_400 + 2 * 3600 + 30 * 60 + 5], ['PT90S', 90]])('%p is %p seconds', (value, seconds) => {
    expect(lookbackSeconds(value as never)).toBe(seconds);
  });
  test.each(['P', 'PT', 'P1DT', 'P31D'])('%p is refused with a reason', (value) => {
    expect(lookbackSeconds(value)).toMatch(/not an ISO 8601 duration|outside 0\.\.2592000/);
  });
});

test('state.since: the stored cursor less the lookback, or the start when none is stored', () => {
  expect(stateVariables('2026-11-30T08:15:00.000Z', 3600, '2026-11-01T00:00:00.000Z')).toEqual({
    since: '2026-11-30T07:15:00.000Z',
    sinceSeconds: Date.UTC(2026, 10, 30, 7, 15) / 1000,
    sinceMillis: Date.UTC(2026, 10, 30, 7, 15),
    cursor: '2026-11-30T08:15:00.000Z',
  });
  expect(stateVariables(undefined, 3600, '2026-11-01T00:00:00.000Z')).toMatchObject({ since: '2026-11-01T00:00:00.000Z', cursor: null });
});

test('cursor values are canonical ISO; the later of two is the greater text', () => {
  expect(canonicalCursor('2026-11-30T09:15:00+01:00')).toBe('2026-11-30T08:15:00.000Z');
  expect(canonicalCursor('2026-11-30')).toBe('2026-11-30T00:00:00.000Z');
  for (const bad of ['yesterday', '1700000000', 1700000000, '', null]) expect(canonicalCursor(bad)).toBeUndefined();
  expect(laterCursor('2026-11-30T08:15:00.000Z', '2026-11-29T23:00:00.000Z')).toBe('2026-11-30T08:15:00.000Z');
  expect(laterCursor(undefined, '2026-11-29T23:00:00.000Z')).toBe('2026-11-29T23:00:00.000Z');
});

describe('dif validate: an incremental block', () => {
  test('a good one validates, with state read by a request', () => {
    expect(() => validateVendorConfig(incremental({ lookback: 'PT1H', start: 'window.from + "T00:00:00Z"' }), 'x.json', 'demo-ads')).not.toThrow();
  });

  test.each<[string, Record<string, unknown>, (c: any) => void, string, RegExp]>([
    ['a cursor that is not a column', { cursor: 'modified' }, () => undefined, `${STREAM}.incremental.cursor`, /"modified" is not one of the table's columns \(campaign_id, .*updated_at\)/],
    ['a cursor column that is no timestamp', { cursor: 'date' }, () => undefined, `${STREAM}.incremental.cursor`, /column "date" is of type date; a timestamp cursor needs a timestamp column/],
    ['a lookback that is no duration', { lookback: '1 hour' }, () => undefined, `${STREAM}.incremental.lookback`, /expected union value \(for example "PT1H"\)/],
    ['an empty duration', { lookback: 'PT' }, () => undefined, `${STREAM}.incremental.lookback`, /"PT" is not an ISO 8601 duration/],
    ['a lookback past 30 days', { lookback: 'P31D' }, () => undefined, `${STREAM}.incremental.lookback`, /outside 0\.\.2592000 \(30 days\)/],
    ['a compare the engine lacks', { compare: 'opaque' }, () => undefined, `${STREAM}.incremental.compare`, /expected 'timestamp'|must be equal to constant/i],
    ['an unknown field', { since: 'x' }, () => undefined, `${STREAM}.incremental.since`, /unknown field "since"; allowed: cursor, compare, lookback, start/],
    ['a start that is no expression', { start: 'window.from +' }, () => undefined, `${STREAM}.incremental.start`, /unexpected|expected/i],
    ['state in its own start', { start: 'state.since' }, () => undefined, `${STREAM}.incremental.start`, /`state` exists only in the steps and columns of a stream with an `incremental` block \(not in its `start`\)/],
    ['a state field that does not exist', {}, (c) => (c.streams.campaign_daily.steps[0].request.query.since = '${state.after}'), `${STREAM}.steps[0].request.query.since`, /state\.after does not exist; state has since, sinceSeconds, sinceMillis, cursor/],
  ])('%s', (_label, block, mutate, where, message) => {
    const config = incremental(block);
    mutate(config);
    const problems = problemsOf(config);
    expect(problems.map((p) => p.path)).toEqual([where]);
    expect(problems[0].message).toMatch(message);
  });

  test('state in a stream without an incremental block', () => {
    const c = demoConfig();
    c.streams.campaign_daily.steps[0].request.query.since = '${state.since}';
    const problems = problemsOf(c);
    expect(problems).toEqual([{ path: `${STREAM}.steps[0].request.query.since`, message: expect.stringMatching(/^state\.since: `state` exists only in the steps and columns of a stream with an `incremental` block/) }]);
  });
});
