/**
 * The runtime (MySQL, Redis, Postgres, KMS, object store) for one command: opened, handed to
 * `work`, always closed; a service that is down or not migrated comes out as a sentence
 * naming it and its fix (cli/shared/service-errors.ts), never as a bare ECONNREFUSED.
 */
import { loadSettings, type Settings } from '../../adapters/settings';
import type { Runtime } from '../../workers/wiring';
import { explainServiceError } from './service-errors';

export async function withRuntime<T>(work: (runtime: Runtime, settings: Settings) => Promise<T>, settings: Settings = loadSettings()): Promise<T> {
  // Loaded on first use: the wiring pulls in every adapter (AWS SDKs, drivers), most of `dif`'s
  // start-up time, which commands refused on their options or not needing it never pay.
  const { createRuntime } = await import('../../workers/wiring');
  const runtime = createRuntime(settings);
  try {
    return await work(runtime, settings);
  } catch (e) {
    throw explainServiceError(e, settings);
  } finally {
    await runtime.close();
  }
}
