/**
 * The contract-test harness for the real vendor configs in vendors/: DIF's worker on the
 * real Temporal server, and a FixtureServer replaying vendors/<vendor>/fixtures over HTTP.
 * A customer's baseUrl (and OAuth2 tokenUrl, where the vendor's token host differs) points
 * at the fixture server; nothing else of the config is changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runIngestion, type RunOutcome } from '../../cli/run/run';
import type { DateWindow } from '../../core/run-plan';
import { projectRoot } from '../../adapters/settings';
import { FixtureServer } from '../mock-vendor/fixture-server';
import { startHarness, type Harness } from './harness';
import { uniqueName, TEST_SCRATCH } from './test-settings';
import { ensurePiiKey } from '../../adapters/mysql/pii-keys';

export interface VendorContract {
  h: Harness;
  server: FixtureServer;
  /** A new customer with inputs and secrets; overrides point the config at the fixture server. */
  customer(inputs: Record<string, unknown>, secrets: Record<string, string>, overrides?: Record<string, unknown>): Promise<string>;
  ingest(customer: string, window: DateWindow, maxAttempts?: number, stream?: string): Promise<RunOutcome>;
  rows(table: string, customer: string, orderBy: string): Promise<Record<string, any>[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Every file the object store holds, concatenated: for secret scans. */
  storedText(): string;
  shutdown(): Promise<void>;
}

/**
 * `edit` changes a copy of the vendor's config (kept apart from vendors/) before the worker
 * loads it: for tests that run the real config with its waits scaled down in time only.
 */
export async function startVendorContract(vendor: string, edit?: (config: any) => void): Promise<VendorContract> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const name = edit ? `vendor-${vendor}-edited` : `vendor-${vendor}`;
  const h = await startHarness(name, edit ? { settings: { vendorsDir: editedVendors(name, vendor, edit) } } : {});
  const server = new FixtureServer(path.join(projectRoot(), 'vendors', vendor, 'fixtures'));
  await server.start();
  const contract = contractOn(h, vendor, server);
  return { ...contract, shutdown: async () => (await contract.shutdown(), await h.shutdown()) };
}

/** A vendor's contract on a running harness (shared by many vendors); shutdown stops only its server. */
export function contractOn(h: Harness, vendor: string, server: FixtureServer): VendorContract {
  return {
    h,
    server,
    async customer(inputs, secrets, overrides = {}) {
      const customer = uniqueName(vendor);
      await h.runtime.deps.customers.upsertCustomer(customer, customer);
      await h.runtime.deps.customers.upsertCustomerVendor(customer, vendor, inputs, { baseUrl: server.url, ...overrides });
      await ensurePiiKey(h.runtime.deps.credentials, customer); // for vendors with pseudonym (pii) columns
      for (const [name, value] of Object.entries(secrets)) {
        await h.runtime.deps.credentials.set({ customerId: customer, vendor, name }, value);
      }
      return customer;
    },
    async ingest(customer, window, maxAttempts = 4, stream?: string) {
      const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
        vendor,
        customer,
        window,
        streams: stream ? [stream] : undefined,
        options: { semaphoreRetryMs: 100, maxAttempts },
      });
      if (outcome.status === 'FAILED' && process.env.DIF_TEST_DEBUG) console.error(outcome.error);
      return outcome;
    },
    async rows(table, customer, orderBy) {
      const { rows } = await h.runtime.postgres.query(`SELECT * FROM dif_test.${table} WHERE _dif_customer = $1 ORDER BY ${orderBy}`, [customer]);
      return rows;
    },
    storedText: h.storedText,
    async shutdown() {
      await server.stop();
    },
  };
}

function editedVendors(name: string, vendor: string, edit: (config: any) => void): string { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = path.join(TEST_SCRATCH, name, 'vendors');
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', vendor, 'config.json'), 'utf8'));
  edit(config);
  fs.mkdirSync(path.join(dir, vendor), { recursive: true });
  fs.writeFileSync(path.join(dir, vendor, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}
