/**
 * Run planning: windows, names, workflow ids and object keys. The ids and keys are a
 * contract shared by the CLI, workflows and activities (and by retries, which must rewrite
 * the same keys), so they are asserted literally.
 */
import {
  InputError,
  checkName,
  checkWindow,
  configKey,
  ingestWorkflowId,
  pageKey,
  pageMetaKey,
  pageSetPrefix,
  splitWindow,
  windowVariables,
  formatDay,
  parseDay,
  runPrefix,
  type IngestRequest,
} from '../../../core/run-plan';

const request: IngestRequest = {
  vendor: 'demo-ads',
  customer: 'acme',
  stream: 'campaign_daily',
  window: { from: '2026-11-01', to: '2026-11-07' },
};

describe('parseDay', () => {
  test('a valid day is midnight UTC of that day', () => {
    expect(parseDay('2026-11-01', 'start').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseDay('2024-02-29', 'start').toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  test.each([
    '2023-02-29', // not a leap year
    '2024-04-31', // April has 30 days
    '2024-13-01',
    '2024-00-10',
    '2024-1-01',
    '24-01-01',
    '2024-01-01T00:00:00Z',
    ' 2024-01-01',
    '2024/01/01',
    'yesterday',
    '',
  ])('rejects %j with an InputError naming the field and the value', (value) => {
    expect(() => parseDay(value, 'window start (--from)')).toThrow(InputError);
    expect(() => parseDay(value, 'window start (--from)')).toThrow(
      `window start (--from) must be a date as YYYY-MM-DD, got "${value}"`,
    );
  });

  test('InputError has its own name, for exit codes and failure types', () => {
    const error = new InputError('x');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InputError');
  });
});

describe('checkWindow', () => {
  test('returns the window unchanged when valid', () => {
    const window = { from: '2026-11-01', to: '2026-11-07' };
    expect(checkWindow(window)).toBe(window);
  });

  test('a one-day window (from = to) is fine', () => {
    expect(checkWindow({ from: '2026-11-01', to: '2026-11-01' }, 1)).toEqual({ from: '2026-11-01', to: '2026-11-01' });
  });

  test('maxDays counts both ends inclusively', () => {
    expect(() => checkWindow({ from: '2026-11-01', to: '2026-11-07' }, 7)).not.toThrow();
    expect(() => checkWindow({ from: '2026-11-01', to: '2026-11-08' }, 7)).toThrow(
      new InputError('window 2026-11-01..2026-11-08 spans 8 days; this vendor allows at most 7'),
    );
  });

  test('day counting is in UTC, so a DST change does not shift it', () => {
    // 2024-03-31 is the EU spring-forward day; the span is still exactly 2 days.
    expect(() => checkWindow({ from: '2024-03-30', to: '2024-03-31' }, 2)).not.toThrow();
    expect(() => checkWindow({ from: '2024-10-26', to: '2024-10-28' }, 2)).toThrow('spans 3 days');
  });

  test('a window spanning a leap day counts it', () => {
    expect(() => checkWindow({ from: '2024-02-28', to: '2024-03-01' }, 2)).toThrow('spans 3 days');
  });

  test('an end before the start is refused', () => {
    expect(() => checkWindow({ from: '2026-11-02', to: '2026-11-01' })).toThrow(
      new InputError('window end 2026-11-01 is before its start 2026-11-02'),
    );
  });

  test('bad dates name the CLI option they came from', () => {
    expect(() => checkWindow({ from: 'x', to: '2026-11-01' })).toThrow('window start (--from) must be a date as YYYY-MM-DD, got "x"');
    expect(() => checkWindow({ from: '2026-11-01', to: '2026-11-31' })).toThrow(
      'window end (--to) must be a date as YYYY-MM-DD, got "2026-11-31"',
    );
  });
});

describe('checkName', () => {
  test.each(['acme', 'a', 'ACME_corp', 'a.b_c-d', '42', 'x'.repeat(100)])('accepts %j', (name) => {
    expect(checkName(name, 'customer')).toBe(name);
  });

  test.each([
    '',
    '-acme', // would look like a CLI option
    '.hidden',
    '..',
    'a/b', // would escape its object-store prefix
    'a b',
    'a\nb',
    'café',
    'x'.repeat(101),
  ])('refuses %j with a message naming what it is', (name) => {
    expect(() => checkName(name, 'customer')).toThrow(InputError);
    expect(() => checkName(name, 'customer')).toThrow(`customer "${name}" may only hold letters, digits, '.', '_' and '-'`);
  });
});

describe('ids and object keys', () => {
  test('the workflow id reads vendor/customer/stream/window', () => {
    expect(ingestWorkflowId(request)).toBe('demo-ads/acme/campaign_daily/2026-11-01..2026-11-07');
  });

  test('the workflow id differs per window and per stream', () => {
    const other = { ...request, window: { from: '2026-11-08', to: '2026-11-14' } };
    expect(ingestWorkflowId(other)).not.toBe(ingestWorkflowId(request));
    expect(ingestWorkflowId({ ...request, stream: 'ad_daily' })).not.toBe(ingestWorkflowId(request));
  });

  test('run prefixes are deterministic per kind, request and run id', () => {
    expect(runPrefix('raw', request, 'run-1')).toBe('raw/demo-ads/acme/campaign_daily/2026-11-01..2026-11-07/run-1');
    expect(runPrefix('csv', request, 'run-1')).toBe('csv/demo-ads/acme/campaign_daily/2026-11-01..2026-11-07/run-1');
    expect(runPrefix('raw', request, 'run-1')).toBe(runPrefix('raw', { ...request }, 'run-1'));
    expect(runPrefix('raw', request, 'run-2')).not.toBe(runPrefix('raw', request, 'run-1'));
  });

  test('page keys are zero-padded to six digits so they sort in page order', () => {
    expect(pageKey(pageSetPrefix('raw/x', 'stats'), 1)).toBe('raw/x/stats/page-000001.json');
    expect(pageKey(pageSetPrefix('raw/x', 'stats', 7), 42)).toBe('raw/x/stats/item-0000007/page-000042.json');
    expect(pageMetaKey('raw/x/stats', 42)).toBe('raw/x/stats/page-000042.meta.json');
    const keys = [10, 2, 1, 100, 999_999].map((n) => pageKey('p/s', n));
    expect([...keys].sort()).toEqual([1, 2, 10, 100, 999_999].map((n) => pageKey('p/s', n)));
  });

  test('config keys are per vendor and content hash', () => {
    expect(configKey('demo-ads', 'abc123')).toBe('configs/demo-ads/abc123.json');
  });
});

describe('splitWindow', () => {
  test('a range within the largest window stays whole', () => {
    expect(splitWindow({ from: '2026-01-01', to: '2026-01-07' }, 31)).toEqual([{ from: '2026-01-01', to: '2026-01-07' }]);
    expect(splitWindow({ from: '2026-01-01', to: '2026-03-01' }, undefined)).toEqual([{ from: '2026-01-01', to: '2026-03-01' }]);
  });

  test('a longer range is cut into consecutive windows of at most maxDays, the last one shorter', () => {
    expect(splitWindow({ from: '2026-01-30', to: '2026-02-10' }, 5)).toEqual([
      { from: '2026-01-30', to: '2026-02-03' },
      { from: '2026-02-04', to: '2026-02-08' },
      { from: '2026-02-09', to: '2026-02-10' },
    ]);
  });

  test('a reversed range is refused', () => {
    expect(() => splitWindow({ from: '2026-02-10', to: '2026-02-01' }, 5)).toThrow(/before its start/);
  });
});

describe('window variables', () => {
  test('the vendor date format gives window.start and window.end; from and to stay ISO', () => {
    expect(windowVariables({ from: '2026-01-05', to: '2026-02-01' }, 'YYYYMMDD')).toEqual({
      from: '2026-01-05',
      to: '2026-02-01',
      start: '20260105',
      end: '20260201',
    });
    expect(formatDay('2026-01-05', 'DD/MM/YYYY')).toBe('05/01/2026');
    expect(windowVariables({ from: '2026-01-05', to: '2026-01-05' }).start).toBe('2026-01-05');
  });
});
