/**
 * `dif serve` without the command line: connects to Temporal and opens the runtime (MySQL,
 * Redis, the warehouse) once, serves the status page, and closes everything on close().
 */
import type { Settings } from '../../adapters/settings';
import { connectTemporal } from '../shared/temporal-client';
import { collectStatus, DEFAULT_STATUS_OPTIONS } from './status';
import { startStatusServer, type StatusServer } from './server';

export interface ServeOptions {
  port: number;
  host: string;
  refreshSeconds: number;
}

export async function serveStatus(settings: Settings, options: ServeOptions): Promise<StatusServer> {
  const { createRuntime } = await import('../../workers/wiring');
  const temporal = await connectTemporal(settings);
  const runtime = createRuntime(settings);
  try {
    const server = await startStatusServer({
      ...options,
      cacheMs: 5000,
      snapshot: () =>
        collectStatus(
          {
            configs: runtime.deps.vendorConfigs,
            customers: runtime.deps.customers,
            postgres: runtime.postgres,
            schema: settings.warehouseSchema,
            temporal: temporal.client,
            semaphores: runtime.deps.semaphores,
          },
          settings,
          DEFAULT_STATUS_OPTIONS,
        ),
    });
    return {
      url: server.url,
      async close() {
        await server.close();
        await Promise.allSettled([temporal.close(), runtime.close()]);
      },
    };
  } catch (e) {
    await Promise.allSettled([temporal.close(), runtime.close()]);
    throw e;
  }
}
