/**
 * An in-process DIF for integration tests: a real Temporal worker on the shared dev server,
 * real MariaDB, Redis and Postgres, and the Demo Ads mock vendor over real HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, Worker } from '@temporalio/worker';
import { DemoAdsServer, type DemoAdsOptions } from '../mock-vendor/demo-ads-server';
import { activitiesFor, createRuntime, type Runtime } from '../../workers/wiring';
import { runEventSinks, type RunEventOptions } from '../../workers/run-event-sinks';
import type { Settings } from '../../adapters/settings';
import { testSettings, WORKFLOW_BUNDLE } from './test-settings';

export interface Harness {
  settings: Settings;
  runtime: Runtime;
  client: Client;
  vendor: DemoAdsServer;
  vendorUrl: string;
  apiKey: string;
  /** Every file the run's local object store holds, concatenated: for secret scans. */
  storedText(): string;
  /** Registers a customer for demo-ads with its account input, the mock's URL and the API key. */
  seedCustomer(customer: string, account?: string, overrides?: Record<string, unknown>): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startHarness(
  name: string,
  options: { vendor?: Partial<DemoAdsOptions>; settings?: Partial<Settings>; runEvents?: RunEventOptions } = {},
): Promise<Harness> {
  quietTemporalLogs();
  const settings = testSettings(name, options.settings);
  // What an earlier run of this file stored is not this run's: secret scans read only this run's objects.
  if (settings.objectStore.kind === 'local') fs.rmSync(settings.objectStore.dir, { recursive: true, force: true });
  const apiKey = `key-${name}-${Math.random().toString(36).slice(2)}-SECRET`;
  const vendor = new DemoAdsServer({ apiKey, ...options.vendor });
  const vendorUrl = await vendor.start();
  const runtime = createRuntime(settings);
  const nativeConnection = await NativeConnection.connect({ address: settings.temporalAddress });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: settings.temporalNamespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: WORKFLOW_BUNDLE },
    activities: activitiesFor(runtime),
    sinks: runEventSinks(options.runEvents),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: settings.temporalAddress });
  const client = new Client({ connection, namespace: settings.temporalNamespace });

  return {
    settings,
    runtime,
    client,
    vendor,
    vendorUrl,
    apiKey,
    storedText() {
      const root = (settings.objectStore as { dir: string }).dir;
      return (fs.readdirSync(root, { recursive: true }) as string[])
        .map((f) => path.join(root, f))
        .filter((f) => fs.statSync(f).isFile())
        .map((f) => fs.readFileSync(f, 'latin1'))
        .join('\n');
    },
    async seedCustomer(customer, account = 'act_1001', overrides = {}) {
      await runtime.deps.customers.upsertCustomer(customer, `Customer ${customer}`);
      await runtime.deps.customers.upsertCustomerVendor(customer, 'demo-ads', { account_id: account }, { baseUrl: vendorUrl, ...overrides });
      await runtime.deps.credentials.set({ customerId: customer, vendor: 'demo-ads', name: 'api_key' }, apiKey);
    },
    async shutdown() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await vendor.stop();
      await runtime.close();
    },
  };
}

/** Workers log every failed activity at WARN; tests provoke many on purpose. */
function quietTemporalLogs(): void {
  try {
    TemporalRuntime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
}
