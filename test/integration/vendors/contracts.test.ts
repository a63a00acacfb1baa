/**
 * Every vendor's contract table (vendors/<vendor>/contract.json): one describe per vendor, one
 * test per case, all on one DIF worker, the vendors one after another (two cores). Adding
 * a vendor's contract needs no TypeScript. The grammar: test/setup/contract-table.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../adapters/settings';
import { contractFile, startContractSuite, type ContractHarness, type ContractSuite } from '../../setup/contract-runner';
import { loadContractTable } from '../../setup/contract-table';

const only = process.env.DIF_CONTRACT_VENDOR; // e.g. DIF_CONTRACT_VENDOR=tiktok-ads to run one table
const vendors = fs
  .readdirSync(path.join(projectRoot(), 'vendors'))
  .filter((v) => fs.existsSync(contractFile(v)) && (!only || only.split(',').includes(v)))
  .sort();

test('contract tables are found', () => {
  expect(vendors.length).toBeGreaterThan(0);
});

let suite: ContractSuite | undefined;
beforeAll(async () => {
  suite = await startContractSuite(vendors);
});
afterAll(() => suite?.shutdown());

for (const vendor of vendors) {
  describe(vendor, () => {
    const table = loadContractTable(contractFile(vendor)); // a grammar mistake fails collection, naming the file and path
    let h: ContractHarness | undefined;
    beforeAll(async () => {
      h = await suite!.start(vendor);
    });
    afterAll(() => h?.shutdown());
    for (const kase of table.cases) {
      test(kase.name, () => h!.runCase(h!.table.cases[table.cases.indexOf(kase)]));
    }
  });
}
