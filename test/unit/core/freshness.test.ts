import { freshnessOf } from '../../../core/freshness';

const at = (iso: string) => Date.parse(iso);

test('a window is due dueHours after its end; the stream is late once the day after the last loaded window is due', () => {
  // Loaded through 2026-12-01 (ends 12-02 00:00); 12-02's data is due 12-03 00:00 + 30 h = 12-04 06:00.
  const facts = { dueHours: 30, lastLoadedTo: '2026-12-01' };
  expect(freshnessOf({ ...facts, nowMs: at('2026-12-04T06:00:00Z') })).toEqual({ state: 'fresh', lagHours: 54, nextDue: '2026-12-04T06:00:00.000Z' });
  expect(freshnessOf({ ...facts, nowMs: at('2026-12-04T06:00:01Z') }).state).toBe('late');
  expect(freshnessOf({ ...facts, failedAfterLoad: true, nowMs: at('2026-12-02T01:00:00Z') })).toMatchObject({ state: 'failing', lagHours: 1 });
});

test('never loaded, failing before any load, and streams that declare no freshness', () => {
  const nowMs = at('2026-12-04T00:00:00Z');
  expect(freshnessOf({ dueHours: 30, nowMs })).toEqual({ state: 'never-loaded' });
  expect(freshnessOf({ dueHours: 30, failedAfterLoad: true, nowMs })).toEqual({ state: 'failing' });
  expect(freshnessOf({ lastLoadedTo: '2026-10-01', nowMs })).toEqual({ state: 'untracked', lagHours: 1512 });
  expect(freshnessOf({ nowMs })).toEqual({ state: 'untracked' });
});
