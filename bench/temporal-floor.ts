/**
 * The floor under a DIF bench that Temporal sets: the same number of activities as DIF's run
 * took, each doing nothing, on a worker in this process against the same dev server. DIF
 * cannot go below it without running fewer activities, so a bench prints DIF against it
 * beside DIF against the plain script (issue 18: "what the floor is").
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { projectRoot, type Settings } from '../adapters/settings';
import { timed } from './report';

/** Activities a workflow history scheduled: what DIF's run paid a round trip for each. */
export function scheduledActivities(history: temporal.api.history.v1.IHistory): number {
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
}

/** Seconds `count` no-op activities take, `concurrency` at a time, in one workflow run. */
export async function activityRoundTripSeconds(settings: Settings, count: number, concurrency: number): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(projectRoot(), 'bench', 'floor-workflow.ts'),
    logger: { info: () => undefined, warn: () => undefined, error: console.error, debug: () => undefined, trace: () => undefined, log: () => undefined },
  });
  const taskQueue = `dif-bench-floor-${process.pid}`;
  const native = await NativeConnection.connect({ address: settings.temporalAddress });
  try {
    const worker = await Worker.create({ connection: native, namespace: settings.temporalNamespace, taskQueue, workflowBundle: { code }, activities: { nothing: async () => undefined } });
    const connection = await Connection.connect({ address: settings.temporalAddress });
    try {
      const client = new Client({ connection, namespace: settings.temporalNamespace });
      const run = await worker.runUntil(
        timed(() => client.workflow.execute('activityRoundTrips', { taskQueue, workflowId: `${taskQueue}-${Date.now()}`, args: [count, concurrency] })),
      );
      return run.seconds;
    } finally {
      await connection.close();
    }
  } finally {
    await native.close();
  }
}
