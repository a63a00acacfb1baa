/**
 * Every vendor's contract table (vendors/<vendor>/contract.json): one describe per vendor, one
 * test per case, all on one DIF worker. The cases run ahead of their tests, several vendors at
 * once and each vendor's cases in order (test/setup/contract-schedule.ts says who may overlap);
 * each test awaits its own case, so a failure is reported by it, naming the vendor and the case.
 * DIF_CONTRACT_PARALLEL sets how many vendors run at once; the default stays 1 (one after
 * another) because at 4, on a loaded two-core machine, it was slower (850 s against 683 s)
 * and two cases' toCsv activities never finished (sendgrid, youtube-analytics: not yet found).
 * Adding a vendor's contract needs no TypeScript. The grammar: test/setup/contract-table.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { contractFile, startContractSuite, type ContractSuite } from '../../setup/contract-runner';
import { contractSchedule } from '../../setup/contract-schedule';
import { loadContractTable, type ContractTable } from '../../setup/contract-table';

const only = process.env.DIF_CONTRACT_VENDOR; // e.g. DIF_CONTRACT_VENDOR=tiktok-ads to run one table
const width = Number(process.env.DIF_CONTRACT_PARALLEL ?? 1);
const vendors = fs
  .readdirSync(path.join(projectRoot(), 'vendors'))
  .filter((v) => fs.existsSync(contractFile(v)) && (!only || only.split(',').includes(v)))
  .sort();
// A grammar mistake fails collection, naming the file and path.
const tables = new Map<string, ContractTable>(vendors.map((v) => [v, loadContractTable(contractFile(v))]));
const schedule = contractSchedule(tables);

test('contract tables are found', () => {
  expect(vendors.length).toBeGreaterThan(0);
  expect(Number.isInteger(width) && width >= 1).toBe(true);
});

let suite: ContractSuite | undefined;
let running: Promise<void> | undefined;
beforeAll(async () => {
  try {
    suite = await startContractSuite(vendors);
  } catch (error) {
    schedule.failAll(error);
    throw error;
  }
  const s = suite;
  running = schedule.run(async (vendor) => {
    const h = await s.start(vendor);
    return { runCase: (index) => h.runCase(h.table.cases[index]), shutdown: () => h.shutdown() };
  }, width);
  running.catch(() => undefined); // awaited (and reported) in afterAll
});
afterAll(async () => {
  try {
    await running;
  } finally {
    await suite?.shutdown();
  }
});

for (const [vendor, table] of tables) {
  describe(vendor, () => {
    for (const [index, kase] of table.cases.entries()) {
      test(kase.name, async () => {
        const outcome = await schedule.outcome(vendor, index);
        if (!outcome.ok) throw outcome.error;
      });
    }
  });
}
