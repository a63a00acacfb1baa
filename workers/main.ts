/**
 * The DIF worker: polls the ingest task queue and runs workflows and activities.
 *   node dist/workers/main.js        (settings from DIF_* environment variables)
 */
import fs from 'node:fs';
import path from 'node:path';
import { NativeConnection, Worker, Runtime as TemporalRuntime, DefaultLogger, type LogLevel } from '@temporalio/worker';
import { loadSettings, projectRoot } from '../adapters/settings';
import { requireServices } from '../adapters/health';
import { activitiesFor, createRuntime } from './wiring';
import { scopedScrubbingLogger } from '../activities/secret-scope';
import { jsonLinesLogger } from '../runtime/logging/json-lines';
import { startMetricsServer } from '../runtime/metrics/server';
import { emfOutputFromEnv } from '../runtime/metrics/emf';
import { registry } from '../runtime/metrics/dif-metrics';
import { watchSemaphores } from '../runtime/metrics/hooks';
import { alertsOf, runEventSinks } from './run-event-sinks';

async function main(): Promise<void> {
  const settings = loadSettings();
  await requireServices(settings);
  const level = (process.env.DIF_LOG_LEVEL as LogLevel) ?? 'INFO';
  // JSON lines unless DIF_LOG_FORMAT=text (a person reading a terminal).
  const logger = process.env.DIF_LOG_FORMAT === 'text' ? new DefaultLogger(level) : jsonLinesLogger(level);
  TemporalRuntime.install({
    logger: scopedScrubbingLogger(logger),
    ...(settings.temporalMetricsPort !== undefined
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${settings.temporalMetricsPort}` } } } }
      : {}),
  });
  const runtime = createRuntime(settings);
  watchSemaphores(runtime.deps.semaphores);
  let worker: Worker | undefined;
  const metrics = settings.metricsPort !== undefined ? await startMetricsServer(settings.metricsPort, '0.0.0.0', () => worker?.getState() === 'RUNNING') : undefined;
  if (metrics) console.error(`dif worker: metrics at ${metrics.url}`);
  const emf = emfOutputFromEnv(registry);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  // A prebuilt bundle (npm run build writes it) starts faster than bundling at start-up.
  const bundle = process.env.DIF_WORKFLOW_BUNDLE ?? path.join(projectRoot(), 'dist', 'workflow-bundle.js');
  worker = await Worker.create({
    connection,
    namespace: settings.temporalNamespace,
    taskQueue: settings.taskQueue,
    activities: activitiesFor(runtime),
    sinks: runEventSinks({ alerts: alertsOf(runtime) }),
    // How long a dead worker's cached workflows wait before another worker takes them over.
    ...(process.env.DIF_WORKER_STICKY_TIMEOUT_MS
      ? { stickyQueueScheduleToStartTimeout: Number(process.env.DIF_WORKER_STICKY_TIMEOUT_MS) }
      : {}),
    ...(fs.existsSync(bundle)
      ? { workflowBundle: { codePath: bundle } }
      : { workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts') }),
  });
  console.log(`dif worker polling task queue "${settings.taskQueue}" on ${settings.temporalAddress}`);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await metrics?.close();
    await emf?.stop();
    await runtime.close();
  }
}

main().catch((e) => {
  console.error(`dif worker: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
