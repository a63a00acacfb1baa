/**
 * API lifecycles. The tripwire: every shipped vendor that calls an API declares which
 * version it follows, and none is past its sunset today (the suite fails the day one is,
 * and warns from SUNSET_WARNING_DAYS before). Then the counting itself on fixed days, and
 * `dif vendors lifecycle`.
 */
import { lifecycleOf, SUNSET_WARNING_DAYS } from '../../../core/api-lifecycle';
import { buildProgram } from '../../../cli/dif';
import { shippedConfigs } from '../../../cli/vendors/shipped-configs';

/** The mock vendor of the demo and tests: its API is test/mock-vendor, which has no versions. */
const MOCK_VENDORS = new Set(['demo-ads']);

describe('the shipped vendors', () => {
  const configs = shippedConfigs();

  test('every vendor that calls an API declares its version, docs and sunset (or null)', () => {
    const undeclared = configs.filter((c) => c.baseUrl !== undefined && !MOCK_VENDORS.has(c.vendor) && !c.api).map((c) => c.vendor);
    expect(undeclared).toEqual([]);
  });

  test(`no vendor is past its API's sunset today; those within ${SUNSET_WARNING_DAYS} days are named`, () => {
    const today = new Date();
    const rows = configs.map((c) => lifecycleOf(c, today));
    const soon = rows.filter((r) => r.state === 'sunset-soon');
    if (soon.length) console.warn(`API versions near their sunset: ${soon.map((r) => `${r.vendor} ${r.version} on ${r.sunset} (${r.daysLeft} days)`).join('; ')}`);
    expect(rows.filter((r) => r.state === 'past-sunset').map((r) => `${r.vendor} ${r.version} sunset ${r.sunset}`)).toEqual([]);
  });
});

describe('lifecycleOf', () => {
  const meta = { vendor: 'meta-ads', api: { version: 'v25.0', sunset: '2027-02-23', docs: ['https://developers.facebook.com/docs/marketing-api'] } };
  const on = (day: string) => lifecycleOf(meta, new Date(`${day}T18:30:00Z`));

  test('counts whole days to the sunset, which is still a served day', () => {
    expect(on('2026-11-01')).toMatchObject({ daysLeft: 114, state: 'supported' });
    expect(on('2026-11-25')).toMatchObject({ daysLeft: 90, state: 'sunset-soon' });
    expect(on('2027-02-23')).toMatchObject({ daysLeft: 0, state: 'sunset-soon' });
    expect(on('2027-02-24')).toMatchObject({ daysLeft: -1, state: 'past-sunset' });
  });

  test('no sunset announced, and no api block at all, are told apart', () => {
    expect(lifecycleOf({ vendor: 'x-ads', api: { version: '12', sunset: null, docs: ['https://docs.x.com'] } }, new Date())).toMatchObject({ state: 'no-sunset-announced', daysLeft: null });
    expect(lifecycleOf({ vendor: 'demo-ads' }, new Date())).toMatchObject({ state: 'undeclared', version: null });
  });
});

describe('dif vendors lifecycle', () => {
  async function run(...args: string[]): Promise<{ lines: string[]; exitCode: number | undefined }> {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const before = process.exitCode;
    try {
      await buildProgram().parseAsync(['node', 'dif', 'vendors', 'lifecycle', ...args]);
      return { lines, exitCode: process.exitCode as number | undefined };
    } finally {
      log.mockRestore();
      process.exitCode = before;
    }
  }

  test('--json gives a line per vendor, and a day past a sunset exits 1', async () => {
    const early = await run('--json', '--today', '2027-01-01');
    const linkedin = early.lines.map((l) => JSON.parse(l)).find((r) => r.vendor === 'linkedin-ads');
    expect(linkedin).toMatchObject({ version: '202603', sunset: '2027-03-16', daysLeft: 74, state: 'sunset-soon' });
    expect(early.exitCode).toBe(0);
    const late = await run('--today', '2027-03-17');
    expect(late.lines[0]).toMatch(/^VENDOR\s+VERSION\s+SUNSET\s+DAYS LEFT\s+STATE$/);
    expect(late.lines.find((l) => l.startsWith('linkedin-ads'))).toMatch(/^linkedin-ads\s+202603\s+2027-03-16\s+-1\s+past-sunset$/);
    expect(late.exitCode).toBe(1);
  });
});
