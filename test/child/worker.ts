/**
 * A DIF worker in its own process, for tests that kill it (SIGKILL) or read everything it
 * logs. Started by worker-process.ts; settings come as JSON in DIF_CHILD_SETTINGS, and every
 * Temporal SDK log entry (DEBUG and up, with its metadata) is appended to DIF_CHILD_LOG, each
 * followed by the JSON line a production worker writes of it.
 * Prints "ready" on stdout once it polls.
 */
import fs from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadSettings, type Settings } from '../../adapters/settings';
import { activitiesFor, createRuntime } from '../../workers/wiring';
import { runEventSinks } from '../../workers/run-event-sinks';
import { jsonLine } from '../../runtime/logging/json-lines';

async function main(): Promise<void> {
  const settings = loadSettings(JSON.parse(process.env.DIF_CHILD_SETTINGS ?? '{}') as Partial<Settings>);
  const logFile = process.env.DIF_CHILD_LOG;
  // Errors written whole (JSON.stringify alone gives {}), so scans read what the SDK logged of each failure.
  const bigints = (_key: string, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack, cause: value.cause };
    return value;
  };
  Runtime.install({
    logger: new DefaultLogger('DEBUG', (entry) => {
      // The entry whole, then the JSON line the production worker writes of it (runtime/logging/json-lines.ts).
      if (logFile) fs.appendFileSync(logFile, `${JSON.stringify(entry, bigints)}\n${jsonLine(entry)}\n`);
    }),
  });
  const runtime = createRuntime(settings);
  const connection = await NativeConnection.connect({ address: settings.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: settings.temporalNamespace,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: process.env.DIF_CHILD_BUNDLE! },
    activities: activitiesFor(runtime),
    sinks: runEventSinks(),
  });
  process.on('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('ready');
  await running;
  await connection.close();
  await runtime.close();
}

main().catch((e) => {
  console.error(`child worker: ${e instanceof Error ? e.stack : e}`);
  process.exit(1);
});
