import { ConfigError } from '../interpreter/validate';
import { checkName, checkWindow, configKey, InputError, type IngestRequest } from '../interpreter/run-plan';
import type { RunPlan } from '../interpreter/contracts';
import { applyOverrides, configHash, UnknownVendorError } from '../adapters/vendor-configs';
import { semaphoreKey } from '../adapters/locks/semaphores';
import type { ActivityDeps } from './deps';
import type { PinnedRun } from './pinned-config';
import { finalFailure } from './failures';

/**
 * Resolves what a run needs before it touches the vendor: the vendor's config with the
 * customer's overrides, checked; the customer's inputs, checked against what the config
 * declares; and the config pinned in the object store under its content hash.
 */
export function prepareRunActivity(deps: ActivityDeps) {
  return async function prepareRun(request: IngestRequest): Promise<RunPlan> {
    try {
      checkName(request.customer, 'customer');
      const base = deps.vendorConfigs.load(request.vendor);
      const customer = await deps.customers.findCustomerVendor(request.customer, request.vendor);
      if (!customer || !customer.enabled) {
        throw finalFailure(
          'InputError',
          `customer "${request.customer}" is not set up for vendor "${request.vendor}" in MySQL (table customer_vendors)`,
        );
      }
      const config = applyOverrides(base, customer.overrides, `overrides of customer ${request.customer} for ${request.vendor}`);
      const stream = config.streams[request.stream];
      if (!stream) {
        throw finalFailure(
          'InputError',
          `vendor "${request.vendor}" has no stream "${request.stream}"; streams: ${Object.keys(config.streams).join(', ')}`,
        );
      }
      checkWindow(request.window, config.window?.maxDays);
      for (const input of config.inputs) {
        const value = customer.inputs[input.name];
        if ((value === undefined || value === null || value === '') && input.required !== false) {
          throw finalFailure('InputError', `customer "${request.customer}" lacks input "${input.name}" required by ${request.vendor}`);
        }
        if (value !== undefined && input.type === 'integer' && !/^-?\d+$/.test(String(value))) {
          throw finalFailure('InputError', `input "${input.name}" of customer "${request.customer}" must be an integer`);
        }
      }
      const pinned: PinnedRun = { config, inputs: customer.inputs };
      const hash = configHash(pinned.config, pinned.inputs);
      const key = configKey(request.vendor, hash);
      if (!(await deps.objectStore.exists(key))) await deps.objectStore.put(key, JSON.stringify(pinned), 'application/json');
      return {
        configKey: key,
        configHash: hash,
        permit: {
          key: semaphoreKey(request.vendor, config.semaphore.scope, request.customer, config.semaphore.account),
          limit: config.semaphore.limit,
          leaseMs: (config.semaphore.leaseSeconds ?? 300) * 1000,
        },
        steps: stream.steps.map((s) => ({ name: s.name, kind: s.kind })),
      };
    } catch (e) {
      if (e instanceof ConfigError) throw finalFailure('ConfigError', e.message);
      if (e instanceof UnknownVendorError) throw finalFailure('UnknownVendorError', e.message);
      if (e instanceof InputError) throw finalFailure('InputError', e.message);
      throw e;
    }
  };
}
