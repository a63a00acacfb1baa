/**
 * DIF in this process, for benchmarks: the real worker on the shared Temporal dev server,
 * real MariaDB, Redis and Postgres (databases `dif_bench`, apart from the demo's and the
 * tests'), a local object store in a scratch folder, and the Demo Ads mock over real HTTP.
 * Like test/setup/harness.ts, which the build leaves out of dist/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime as TemporalRuntime, Worker } from '@temporalio/worker';
import { DemoAdsServer, type DemoAdsOptions } from '../test/mock-vendor/demo-ads-server';
import { activitiesFor, createRuntime, type Runtime } from '../workers/wiring';
import { runEventSinks } from '../workers/run-event-sinks';
import { writeWorkflowBundle } from '../workers/bundle-workflows';
import { loadSettings, projectRoot, type Settings } from '../adapters/settings';
import { migrateMysql } from '../adapters/mysql/migrate';
import { ensurePostgresDatabase } from '../adapters/warehouse/postgres';

export const BENCH_MYSQL_URL = process.env.DIF_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/dif_bench';
export const BENCH_POSTGRES_URL = process.env.DIF_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/dif_bench';
export const BENCH_SCHEMA = 'dif_bench';

/** Wall-clock time spent inside each activity, by name, across the calls since the last reset. */
export class ActivityTimes {
  private readonly spans = new Map<string, number[]>();

  record(name: string, seconds: number): void {
    const list = this.spans.get(name) ?? [];
    list.push(seconds);
    this.spans.set(name, list);
  }

  reset(): void {
    this.spans.clear();
  }

  /** Total seconds per activity name. */
  totals(): Record<string, number> {
    return Object.fromEntries([...this.spans].map(([name, list]) => [name, list.reduce((a, b) => a + b, 0)]));
  }
}

export interface DifInProcess {
  settings: Settings;
  runtime: Runtime;
  client: Client;
  vendor: DemoAdsServer;
  vendorUrl: string;
  apiKey: string;
  activityTimes: ActivityTimes;
  scratch: string;
  seedCustomer(customer: string, account: string): Promise<void>;
  /** A new customer of `vendor` with no inputs, its base URL pointed at `baseUrl`. */
  customerOf(vendor: string, baseUrl: string): Promise<string>;
  shutdown(): Promise<void>;
}

export async function startDif(
  name: string,
  vendorOptions: Partial<DemoAdsOptions> = {},
  settingsOverrides: Partial<Settings> = {},
  /** Vendor configs of the bench's own, served from a folder in the scratch directory. */
  vendorConfigs: { vendor: string }[] = [],
): Promise<DifInProcess> {
  try {
    TemporalRuntime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed in this process.
  }
  // Undone in reverse order on shutdown, or at once if starting fails half-way.
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const undo = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        process.stderr.write(`bench: cleanup failed: ${(e as Error).message}\n`);
      }
    }
    cleanups.length = 0;
  };

  try {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `dif-bench-${name}-`));
    cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
    for (const config of vendorConfigs) {
      fs.mkdirSync(path.join(scratch, 'vendors', config.vendor), { recursive: true });
      fs.writeFileSync(path.join(scratch, 'vendors', config.vendor, 'config.json'), JSON.stringify(config));
    }
    const settings = loadSettings({
      ...(vendorConfigs.length ? { vendorsDir: path.join(scratch, 'vendors') } : {}),
      mysqlUrl: BENCH_MYSQL_URL,
      postgresUrl: BENCH_POSTGRES_URL,
      warehouseSchema: BENCH_SCHEMA,
      taskQueue: `dif-bench-${name}-${process.pid}`,
      objectStore: { kind: 'local', dir: path.join(scratch, 'objects') },
      kms: { kind: 'local', keyringFile: path.join(scratch, 'keyring.json') },
      allowLoopbackHttp: true, // the bench's mock vendors listen on http://127.0.0.1
      ...settingsOverrides,
    });
    await migrateMysql(settings.mysqlUrl, path.join(projectRoot(), 'migrations', 'mysql'));
    await ensurePostgresDatabase(settings.postgresUrl);
    const bundle = await writeWorkflowBundle(path.join(scratch, 'workflow-bundle.js'));

    const apiKey = `key-bench-${Math.random().toString(36).slice(2)}-SECRET`;
    const vendor = new DemoAdsServer({ apiKey, ...vendorOptions });
    const vendorUrl = await vendor.start();
    cleanups.push(() => vendor.stop());
    const runtime = createRuntime(settings);
    cleanups.push(() => runtime.close());

    const activityTimes = new ActivityTimes();
    const activities = activitiesFor(runtime) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const timedActivities: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const [activityName, fn] of Object.entries(activities)) {
      timedActivities[activityName] = async (...args: unknown[]) => {
        const start = process.hrtime.bigint();
        try {
          return await fn(...args);
        } finally {
          activityTimes.record(activityName, Number(process.hrtime.bigint() - start) / 1e9);
        }
      };
    }

    const nativeConnection = await NativeConnection.connect({ address: settings.temporalAddress });
    cleanups.push(() => nativeConnection.close());
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: settings.temporalNamespace,
      taskQueue: settings.taskQueue,
      workflowBundle: { codePath: bundle },
      activities: timedActivities,
      sinks: runEventSinks(),
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });
    const connection = await Connection.connect({ address: settings.temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: settings.temporalNamespace });

    return {
      settings,
      runtime,
      client,
      vendor,
      vendorUrl,
      apiKey,
      activityTimes,
      scratch,
      async seedCustomer(customer, account) {
        await runtime.deps.customers.upsertCustomer(customer, `Bench customer ${customer}`);
        await runtime.deps.customers.upsertCustomerVendor(customer, 'demo-ads', { account_id: account }, { baseUrl: vendorUrl });
        await runtime.deps.credentials.set({ customerId: customer, vendor: 'demo-ads', name: 'api_key' }, apiKey);
      },
      async customerOf(vendor, baseUrl) {
        const customer = `bench-${vendor}-${Date.now().toString(36)}`;
        await runtime.deps.customers.upsertCustomer(customer, customer);
        await runtime.deps.customers.upsertCustomerVendor(customer, vendor, {}, { baseUrl });
        return customer;
      },
      shutdown: undo,
    };
  } catch (e) {
    await undo();
    throw e;
  }
}
