/**
 * The contract tables' scheduler without services: fake vendors whose cases are timed
 * promises, to show the bound on concurrent vendors, each vendor's cases in order, the
 * "alone" rule, and that a failing case or start is settled on that case only.
 */
import type { ContractTable } from '../../setup/contract-table';
import { contractSchedule, runsAlone, type VendorRun } from '../../setup/contract-schedule';

const kase = (gaps?: { from: number; to: number; lessThanMs?: number; atLeastMs?: number }[]) =>
  ({ name: 'c', runs: [{ window: { from: '2024-01-01', to: '2024-01-01' }, expect: gaps ? { requests: [{ path: '/x', gaps }] } : {} }] }) as unknown as ContractTable['cases'][number];
const table = (cases: number, extra: Partial<ContractTable> = {}) => ({ routes: [], cases: Array.from({ length: cases }, () => kase()), ...extra }) as unknown as ContractTable;
const tick = () => new Promise((r) => setTimeout(r, 5));

/** Records which vendors' cases overlap. */
function recorder() {
  const active = new Map<string, number>();
  const log: string[] = [];
  let peak = 0;
  const start = async (vendor: string): Promise<VendorRun> => ({
    async runCase(index) {
      active.set(vendor, (active.get(vendor) ?? 0) + 1);
      peak = Math.max(peak, active.size);
      log.push(`${vendor}:${index}:with:${[...active.keys()].filter((v) => v !== vendor).sort().join(',')}`);
      if (active.get(vendor)! > 1) throw new Error(`${vendor} ran two cases at once`);
      await tick();
      active.delete(vendor);
      if (vendor === 'bad' && index === 1) throw new Error('bad › case 1 failed');
    },
    shutdown: async () => undefined,
  });
  return { start, log, peak: () => peak };
}

test('at most `width` vendors at once, each vendor’s cases in order; a failure settles only its case', async () => {
  const tables = new Map([['a', table(3)], ['bad', table(3)], ['c', table(2)], ['d', table(2)], ['e', table(1)]]);
  const schedule = contractSchedule(tables);
  const r = recorder();
  await schedule.run(r.start, 2);
  expect(r.peak()).toBe(2);
  for (const [vendor, t] of tables) {
    const outcomes = await Promise.all(t.cases.map((_, i) => schedule.outcome(vendor, i)));
    expect(outcomes.map((o) => o.ok)).toEqual(t.cases.map((_, i) => !(vendor === 'bad' && i === 1)));
  }
  const failed = await schedule.outcome('bad', 1);
  expect(!failed.ok && (failed.error as Error).message).toBe('bad › case 1 failed');
  // Each vendor's cases ran in the table's order.
  for (const vendor of tables.keys()) expect(r.log.filter((l) => l.startsWith(`${vendor}:`)).map((l) => l.split(':')[1])).toEqual([...tables.get(vendor)!.cases.keys()].map(String));
});

test('a vendor that fixes the signing clock or bounds a gap from above runs with no other vendor', async () => {
  const clock = table(2, { signingClock: '2024-03-01T12:00:00.000Z' } as Partial<ContractTable>);
  const bounded = { routes: [], cases: [kase([{ from: 0, to: 1, lessThanMs: 1000 }])] } as unknown as ContractTable;
  const onlyAtLeast = { routes: [], cases: [kase([{ from: 0, to: 1, atLeastMs: 900 }])] } as unknown as ContractTable;
  expect(runsAlone(clock)).toMatch(/signing clock/);
  expect(runsAlone(bounded)).toMatch(/gap/);
  expect(runsAlone(onlyAtLeast)).toBeUndefined();
  const tables = new Map([['a', table(2)], ['b', table(2)], ['clock', clock], ['c', table(2)], ['bounded', bounded], ['d', table(1)]]);
  const schedule = contractSchedule(tables);
  const r = recorder();
  await schedule.run(r.start, 4);
  expect(r.log.filter((l) => l.startsWith('clock:') || l.startsWith('bounded:'))).toEqual(['clock:0:with:', 'clock:1:with:', 'bounded:0:with:']);
  // And nobody ran beside them: every other vendor's log line names neither.
  expect(r.log.filter((l) => /with:.*(clock|bounded)/.test(l))).toEqual([]);
  expect(r.peak()).toBe(2); // a and b together, then c alone between the barriers, then d
});

test('a vendor that cannot start fails each of its cases with the start’s error; failAll settles the rest', async () => {
  const schedule = contractSchedule(new Map([['a', table(2)], ['b', table(1)]]));
  await schedule.run(async (vendor) => {
    if (vendor === 'a') throw new Error('a: mock server did not start');
    return { runCase: async () => undefined, shutdown: async () => undefined };
  }, 3);
  for (const i of [0, 1]) expect(await schedule.outcome('a', i)).toEqual({ ok: false, error: new Error('a: mock server did not start') });
  expect(await schedule.outcome('b', 0)).toEqual({ ok: true });
  const never = contractSchedule(new Map([['x', table(1)]]));
  never.failAll(new Error('suite did not start'));
  expect(await never.outcome('x', 0)).toEqual({ ok: false, error: new Error('suite did not start') });
});
