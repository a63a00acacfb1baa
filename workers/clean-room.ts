/**
 * The clean-room worker: the one process a clean-room customer runs in its own cloud.
 *   DIF_CLEAN_ROOM_CUSTOMER=<id> node dist/workers/clean-room.js
 *
 * It polls only its customer's task queue and registers only the activities that touch
 * the vendor, raw data and secrets, plus the export of protected CSV. Its MySQL (inputs'
 * secrets, the PII key and the PII encryption key), KMS key and object store
 * (DIF_OBJECT_STORE…) are the customer's; its toCsv is the only place the encryption key of
 * `protect: "encrypt"` columns is unwrapped (DIF's toCsv refuses such columns, since DIF's
 * worker has no export target: activities/to-csv.ts); DIF's store (DIF_EXPORT_OBJECT_STORE…) is used only to read pinned configs
 * and to write protected CSV. It runs no workflows and never talks to the warehouse.
 */
import { NativeConnection, Worker, Runtime as TemporalRuntime, DefaultLogger } from '@temporalio/worker';
import { loadSettings, difHome, objectStoreSettings, type Settings } from '../adapters/settings';
import { createObjectStore } from '../adapters/object-store';
import { cleanRoomTaskQueue } from '../core/clean-room';
import { checkName } from '../core/run-plan';
import { cleanRoomActivityNames } from '../activities';
import { activitiesFor, createRuntime } from './wiring';
import { scopedScrubbingLogger } from '../activities/secret-scope';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { withholdPersonalData } from '../core/pii-scrub';
import { startMetricsServer } from '../runtime/metrics/server';
import { emfOutputFromEnv } from '../runtime/metrics/emf';
import { registry } from '../runtime/metrics/dif-metrics';

export interface CleanRoomWorkerOptions {
  customer: string;
  /** The customer's own services (MySQL, KMS, object store) and DIF's Temporal and Redis. */
  settings: Settings;
  /** DIF's object store: pinned configs in, protected CSV out. */
  difStore: Settings['objectStore'];
}

/** Same bucket on the same endpoint, or the same folder: raw data would land in DIF's store. */
export function sameStore(a: Settings['objectStore'], b: Settings['objectStore']): boolean {
  if (a.kind === 'local' && b.kind === 'local') return path.resolve(a.dir) === path.resolve(b.dir);
  if (a.kind === 's3' && b.kind === 's3') return a.bucket === b.bucket && (a.endpoint ?? '') === (b.endpoint ?? '');
  return false;
}

export async function createCleanRoomWorker(options: CleanRoomWorkerOptions, connection: NativeConnection) {
  checkName(options.customer, 'customer');
  if (sameStore(options.settings.objectStore, options.difStore)) {
    throw new Error("the clean room's own object store (DIF_OBJECT_STORE…) is DIF's store (DIF_EXPORT_OBJECT_STORE…): raw data would leave the clean room");
  }
  const runtime = createRuntime(options.settings);
  const difStore = createObjectStore(options.difStore);
  runtime.deps.difStore = difStore;
  runtime.deps.configStore = difStore;
  const all = activitiesFor(runtime) as Record<string, unknown>;
  const activities = Object.fromEntries(
    cleanRoomActivityNames(runtime.deps).map((name) => [name, withheldFailures(onlyFor(options.customer, all[name] as (...args: unknown[]) => Promise<unknown>))]),
  );
  const worker = await Worker.create({
    connection,
    namespace: options.settings.temporalNamespace,
    taskQueue: cleanRoomTaskQueue(options.customer),
    activities,
  });
  return { worker, runtime };
}

/** Refuses work of another customer, however it got onto this queue: this room holds one customer's secrets and data. */
export function onlyFor(customer: string, activity: (...args: unknown[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    const asked = (args[0] as { run?: { customer?: string } } | undefined)?.run?.customer;
    if (asked !== customer) {
      throw ApplicationFailure.create({ type: 'ConfigError', nonRetryable: true, message: `the clean room of customer "${customer}" was sent work of customer "${asked}"; it refuses it` });
    }
    return activity(...args);
  };
}

/**
 * A failure leaves the clean room (into DIF's Temporal history) with its type, retry
 * policy and a message stripped of anything that may be personal; the whole message, and
 * the stack, stay in this worker's own log.
 */
export function withheldFailures(activity: (...args: unknown[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    try {
      return await activity(...args);
    } catch (e) {
      const error = e as Error;
      try {
        Context.current().log.warn('clean-room activity failed; DIF sees this message with personal data withheld', { error: error.message });
      } catch {
        // Outside an activity (tests calling the function directly): nothing to log to.
      }
      if (e instanceof ApplicationFailure) {
        throw ApplicationFailure.create({
          type: e.type ?? undefined,
          message: withholdPersonalData(e.message),
          nonRetryable: e.nonRetryable ?? false,
          ...(e.nextRetryDelay !== undefined && e.nextRetryDelay !== null ? { nextRetryDelay: e.nextRetryDelay } : {}),
        });
      }
      // Cancellation must stay what it is, so Temporal records the activity as cancelled.
      if (error.name === 'CancelledFailure' || error.name === 'AbortError') throw e;
      throw ApplicationFailure.create({ type: error.name, message: withholdPersonalData(error.message), nonRetryable: false });
    }
  };
}

async function main(): Promise<void> {
  const customer = process.env.DIF_CLEAN_ROOM_CUSTOMER;
  if (!customer) throw new Error('set DIF_CLEAN_ROOM_CUSTOMER to the id of the customer this clean room serves');
  const settings = loadSettings();
  TemporalRuntime.install({ logger: scopedScrubbingLogger(new DefaultLogger((process.env.DIF_LOG_LEVEL as 'INFO') ?? 'INFO')) });
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  // No default for DIF's store: a clean room that guessed it would export to nowhere useful.
  if (!process.env.DIF_EXPORT_OBJECT_STORE) {
    throw new Error("set DIF_EXPORT_OBJECT_STORE to DIF's object store (s3 with DIF_EXPORT_S3_BUCKET…, or local with DIF_EXPORT_OBJECT_STORE_DIR); README: Clean room");
  }
  const difStore = objectStoreSettings('DIF_EXPORT_', path.join(difHome(), 'dif-export'));
  const { worker, runtime } = await createCleanRoomWorker({ customer, settings, difStore }, connection);
  // Metrics and liveness (/healthz, the container's HEALTHCHECK) when DIF_METRICS_PORT is set, as for DIF's worker.
  const metrics = settings.metricsPort !== undefined ? await startMetricsServer(settings.metricsPort, '0.0.0.0', () => worker.getState() === 'RUNNING') : undefined;
  const emf = emfOutputFromEnv(registry);
  console.log(`dif clean-room worker for customer "${customer}" polling task queue "${cleanRoomTaskQueue(customer)}" on ${settings.temporalAddress}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await metrics?.close();
    await emf?.stop();
    await runtime.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`dif clean-room worker: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
