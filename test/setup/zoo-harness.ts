/** The step-executor harness: DIF's worker against VendorZoo, with the zoo vendor configs of test/fixtures/vendors. */
import path from 'node:path';
import { runIngestion, type RunOutcome } from '../../cli/run/run';
import type { IngestOptions } from '../../core/contracts';
import type { DateWindow } from '../../core/run-plan';
import type { Settings } from '../../adapters/settings';
import { VendorZoo, type VendorZooOptions } from '../mock-vendor/vendor-zoo';
import { startHarness, type Harness } from './harness';
import { uniqueName } from './test-settings';

export const ZOO_VENDORS = path.join(__dirname, '..', 'fixtures', 'vendors');

export interface ZooHarness extends Harness {
  zoo: VendorZoo;
  zooUrl: string;
  /** A new customer for `vendor`, with inputs, secrets and overrides (baseUrl points at the zoo). */
  customerFor(vendor: string, inputs?: Record<string, unknown>, secrets?: Record<string, string>, overrides?: Record<string, unknown>): Promise<string>;
  ingest(vendor: string, customer: string, window?: DateWindow, options?: { maxAttempts?: number; stream?: string; options?: IngestOptions }): Promise<RunOutcome>;
}

export async function startZooHarness(name: string, options: VendorZooOptions = {}, settings: Partial<Settings> = {}): Promise<ZooHarness> {
  const h = await startHarness(name, { settings: { vendorsDir: ZOO_VENDORS, ...settings } });
  const zoo = new VendorZoo(options);
  const zooUrl = await zoo.start();
  const shutdown = h.shutdown;
  return Object.assign(h, {
    zoo,
    zooUrl,
    async customerFor(vendor: string, inputs: Record<string, unknown> = {}, secrets: Record<string, string> = {}, overrides: Record<string, unknown> = {}) {
      const customer = uniqueName(vendor.replace('zoo-', ''));
      await h.runtime.deps.customers.upsertCustomer(customer, customer);
      await h.runtime.deps.customers.upsertCustomerVendor(customer, vendor, inputs, { baseUrl: zooUrl, ...overrides });
      for (const [secretName, value] of Object.entries(secrets)) {
        await h.runtime.deps.credentials.set({ customerId: customer, vendor, name: secretName }, value);
      }
      return customer;
    },
    async ingest(vendor: string, customer: string, window: DateWindow = { from: '2024-01-01', to: '2024-01-03' }, opts: { maxAttempts?: number; stream?: string; options?: IngestOptions } = {}) {
      const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
        vendor,
        customer,
        window,
        streams: opts.stream ? [opts.stream] : undefined,
        options: { semaphoreRetryMs: 100, maxAttempts: opts.maxAttempts ?? 4, ...opts.options },
      });
      if (outcome.status === 'FAILED' && process.env.DIF_TEST_DEBUG) console.error(outcome.error);
      return outcome;
    },
    async shutdown() {
      await zoo.stop();
      await shutdown();
    },
  });
}
