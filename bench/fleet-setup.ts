/**
 * The fleet bench's stage: its own Redis, one mock per vendor, the vendor configs in a scratch
 * folder, the customers (inputs, secrets, overrides pointing at the mocks and naming their
 * shared account) in MySQL, and the worker processes. Everything `close` undoes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings, projectRoot, type Settings } from '../adapters/settings';
import { migrateMysql } from '../adapters/mysql/migrate';
import { ensurePostgresDatabase } from '../adapters/warehouse/postgres';
import { writeWorkflowBundle } from '../workers/bundle-workflows';
import { createRuntime, type Runtime } from '../workers/wiring';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../workers/worker-process';
import { VendorZoo } from '../test/mock-vendor/vendor-zoo';
import { BENCH_MYSQL_URL, BENCH_POSTGRES_URL } from './dif-in-process';
import { customerOfRequest, fleetVendors, type FleetVendor } from './fleet-vendors';
import { startPrivateRedis, type PrivateRedis } from './fleet-redis';
import { progress } from './report';

export const FLEET_SCHEMA = 'dif_bench_fleet';

export interface FleetSize {
  customers: number;
  /** Customers sharing one account of an account-scoped vendor. */
  perAccount: number;
  workers: number;
}

export interface FleetStage {
  settings: Settings;
  runtime: Runtime;
  redis: PrivateRedis;
  vendors: { vendor: FleetVendor; zoo: VendorZoo }[];
  customers: string[];
  accountOf(customer: string): string;
  workers: WorkerProcess[];
  close(): Promise<void>;
}

export async function stageFleet(size: FleetSize): Promise<FleetStage> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        progress(`fleet: cleanup failed: ${(e as Error).message}`);
      }
    }
    cleanups.length = 0;
  };
  try {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-bench-fleet-'));
    cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
    const redis = await startPrivateRedis(path.join(scratch, 'redis'));
    cleanups.push(() => redis.stop());
    progress(`fleet: a Redis of the bench's own at ${redis.url} (append-only file on); the machine's Redis on 6379 is not touched`);

    const tag = Date.now().toString(36);
    const customers = Array.from({ length: size.customers }, (_, i) => `fleet-${tag}-c${String(i).padStart(4, '0')}`);
    const indexOf = (customer: string) => Number(/-c(\d+)$/.exec(customer)?.[1] ?? NaN);
    const accountOf = (customer: string) => `agency-${Math.floor(indexOf(customer) / size.perAccount)}`;

    const vendors = fleetVendors().map((vendor) => ({ vendor, zoo: new VendorZoo(vendor.zooOptions) }));
    for (const { vendor, zoo } of vendors) {
      await zoo.start();
      cleanups.push(() => zoo.stop());
      vendor.misbehave(zoo);
      // In flight per semaphore scope: what the vendor's limit is about.
      zoo.countInFlightBy((request) => {
        const customer = customerOfRequest(request.headers);
        if (customer === undefined) return undefined;
        return vendor.scope === 'account' ? accountOf(customer) : customer;
      });
      const dir = path.join(scratch, 'vendors', vendor.vendor);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(vendor.config, null, 2));
    }

    const settings = loadSettings({
      vendorsDir: path.join(scratch, 'vendors'),
      mysqlUrl: BENCH_MYSQL_URL,
      postgresUrl: BENCH_POSTGRES_URL,
      redisUrl: redis.url,
      warehouseSchema: FLEET_SCHEMA,
      taskQueue: `dif-bench-fleet-${tag}`,
      objectStore: { kind: 'local', dir: path.join(scratch, 'objects') },
      kms: { kind: 'local', keyringFile: path.join(scratch, 'keyring.json') },
      allowLoopbackHttp: true, // the mocks listen on http://127.0.0.1
    });
    await migrateMysql(settings.mysqlUrl, path.join(projectRoot(), 'migrations', 'mysql'));
    await ensurePostgresDatabase(settings.postgresUrl);
    const runtime = createRuntime(settings);
    cleanups.push(() => runtime.close());
    // Each run of the bench counts only its own customers; old tables would only slow the loads.
    await runtime.postgres.query(`DROP SCHEMA IF EXISTS ${FLEET_SCHEMA} CASCADE`);

    progress(`fleet: ${customers.length} customers x ${vendors.length} vendors into MySQL (inputs, secrets, overrides)`);
    await inBatches(customers, 8, async (customer) => {
      const i = indexOf(customer);
      await runtime.deps.customers.upsertCustomer(customer, `Fleet customer ${i}`);
      for (const { vendor, zoo } of vendors) {
        const { inputs, secrets } = vendor.customer(i);
        const overrides = { baseUrl: zoo.baseUrl, ...(vendor.scope === 'account' ? { semaphore: { account: accountOf(customer) } } : {}) };
        await runtime.deps.customers.upsertCustomerVendor(customer, vendor.vendor, inputs, overrides);
        for (const [name, value] of Object.entries(secrets)) await runtime.deps.credentials.set({ customerId: customer, vendor: vendor.vendor, name }, value);
      }
    });

    const bundle = await writeWorkflowBundle(path.join(scratch, 'workflow-bundle.js'));
    const env = {
      ...workerEnv(settings),
      DIF_WORKFLOW_BUNDLE: bundle,
      DIF_LOG_LEVEL: 'ERROR',
      // A dead worker's cached workflows go to another worker after 1 s, not the default 10 s.
      DIF_WORKER_STICKY_TIMEOUT_MS: '1000',
    };
    const workers: WorkerProcess[] = [];
    for (let w = 0; w < size.workers; w++) {
      const worker = await startWorkerProcess(env);
      workers.push(worker);
      cleanups.push(() => worker.kill());
    }
    progress(`fleet: ${workers.length} worker processes (pids ${workers.map((w) => w.process.pid).join(', ')}) on task queue ${settings.taskQueue}`);
    return { settings, runtime, redis, vendors, customers, accountOf, workers, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs `work` on every item, `width` at a time. */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}
