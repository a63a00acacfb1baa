/**
 * The runtime (MySQL, Redis, Postgres, KMS, object store) for one command: opened, handed to
 * `work`, always closed; a service that is down or not migrated comes out as a sentence
 * naming it and its fix (cli/shared/service-errors.ts), never as a bare ECONNREFUSED.
 */
import { loadSettings, type Settings } from '../../adapters/settings';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { explainServiceError } from './service-errors';

export async function withRuntime<T>(work: (runtime: Runtime, settings: Settings) => Promise<T>, settings: Settings = loadSettings()): Promise<T> {
  const runtime = createRuntime(settings);
  try {
    return await work(runtime, settings);
  } catch (e) {
    throw explainServiceError(e, settings);
  } finally {
    await runtime.close();
  }
}
