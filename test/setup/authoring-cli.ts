/**
 * What the authoring commands' tests (`dif try`, `dif check`, `dif fixtures record`) share:
 * the runtime (MySQL, KMS) to set customers up with, the environment the in-process `dif`
 * reads (the same test databases and keyring), and a customer pointed at a mock vendor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensurePiiKey } from '../../adapters/mysql/pii-keys';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { projectRoot } from '../../adapters/settings';
import { testSettings, uniqueName, TEST_MYSQL_URL, TEST_POSTGRES_URL, TEST_SCRATCH } from './test-settings';

export function authoringRuntime(name: string): Runtime {
  const settings = testSettings(name);
  // `dif` in this process opens its runtime from the environment, as it does for a user: the same databases and keyring.
  Object.assign(process.env, {
    DIF_MYSQL_URL: TEST_MYSQL_URL,
    DIF_POSTGRES_URL: TEST_POSTGRES_URL,
    DIF_KMS: 'local',
    DIF_LOCAL_KEYRING: path.join(TEST_SCRATCH, name, 'keyring.json'),
    DIF_OBJECT_STORE_DIR: path.join(TEST_SCRATCH, name, 'objects'),
    DIF_ALLOW_LOOPBACK_HTTP: '1',
  });
  return createRuntime(settings);
}

/** A new customer of `vendor` whose base URL (a customer override, as in a run) is the mock vendor's. */
export async function mockCustomer(runtime: Runtime, vendor: string, baseUrl: string, inputs: Record<string, unknown>, secrets: Record<string, string>, overrides: Record<string, unknown> = {}): Promise<string> {
  const customer = uniqueName(vendor);
  await runtime.deps.customers.upsertCustomer(customer, customer);
  await runtime.deps.customers.upsertCustomerVendor(customer, vendor, inputs, { baseUrl, ...overrides });
  await ensurePiiKey(runtime.deps.credentials, customer); // for vendors with pseudonym (pii) columns
  for (const [name, value] of Object.entries(secrets)) await runtime.deps.credentials.set({ customerId: customer, vendor, name }, value);
  return customer;
}

/** A copy of a shipped vendor's config whose stream's first step has an unknown pagination kind: a config error at a known JSON path. */
export function brokenConfigFile(vendor: string, stream: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `dif-broken-${vendor}-`)), 'config.json');
  const config = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'vendors', vendor, 'config.json'), 'utf8'));
  delete config.$schema;
  config.streams[stream].steps[0].pagination.kind = 'cursorr';
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}
