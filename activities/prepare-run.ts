import { checkName, checkWindow, configKey, windowVariables, type IngestRequest } from '../core/run-plan';
import { withDiscoveredBaseUrl, withRenderedBaseUrl } from './base-url';
import { DEFAULT_PERMIT_MAX_WAIT_SECONDS, type RunPlan } from '../core/contracts';
import { stepKindOf } from '../steps/registry';
import { applyOverrides, configHash } from '../adapters/vendor-configs';
import { semaphoreKey } from '../adapters/locks/semaphores';
import type { ActivityDeps } from './deps';
import type { PinnedRun } from './pinned-config';
import { finalFailure } from './failures';
import { checkCustomerInputs } from './customer-inputs';
import { cleanRoomTaskQueue } from '../core/clean-room';
import { encryptOutsideCleanRoom } from '../core/pii-columns';
import { runPartitions } from './partitions';
import { incrementalPlanOf } from './incremental-state';
import type { IncrementalMode } from '../core/incremental';

/**
 * Resolves what a run needs before it touches the vendor: the vendor's config with the
 * customer's overrides, checked; the customer's inputs, checked against what the config
 * declares; and the config pinned in the object store under its content hash.
 * A ConfigError, UnknownVendorError or InputError thrown here leaves as a final failure of
 * its own type: the activity wrapper applies the error registry (core/errors.ts).
 */
export function prepareRunActivity(deps: ActivityDeps) {
  return async function prepareRun(request: IngestRequest & { incremental?: IncrementalMode }): Promise<RunPlan> {
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
    // Before anything is fetched; toCsv refuses again on DIF's side, whatever this said.
    const encryptRefused = customer.cleanRoom ? undefined : encryptOutsideCleanRoom(stream.table.columns, request.customer, `$.streams.${request.stream}.table.columns`);
    if (encryptRefused) throw finalFailure('InputError', encryptRefused);
    checkCustomerInputs(config, request.customer, customer.inputs);
    const partitions = runPartitions(config.inputs, customer.inputs, stream.partitions, request);
    // A regional host chosen by an input is fixed here, once, for the whole run.
    const variables = {
      inputs: customer.inputs,
      window: windowVariables(request.window, config.window?.dateFormat),
      customer: request.customer,
      ...(request.partition !== undefined ? { partition: request.partition } : {}),
    };
    const rendered = withRenderedBaseUrl(config, variables, request.customer);
    // A base URL found by a call (baseUrlFrom) is found here too, and pinned with the run.
    const pinned: PinnedRun = { config: await withDiscoveredBaseUrl(deps, rendered, variables, request.customer), inputs: customer.inputs };
    const incremental = await incrementalPlanOf(deps, request, stream, request.incremental ?? 'state', variables);
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
        hold: config.semaphore.hold ?? 'calls',
        maxWaitMs: (config.semaphore.maxWaitSeconds ?? DEFAULT_PERMIT_MAX_WAIT_SECONDS) * 1000,
      },
      // What the workflow needs to know of each step to schedule it: never its requests or secrets.
      steps: stream.steps.map((step, index) => stepKindOf(step.kind).plan(step, { index, all: stream.steps })),
      retry: {
        maxAttempts: config.retry?.maxAttempts ?? 8,
        initialIntervalMs: (config.retry?.initialIntervalSeconds ?? 1) * 1000,
        maxIntervalMs: (config.retry?.maxIntervalSeconds ?? 60) * 1000,
      },
      ...(customer.cleanRoom ? { cleanRoom: { taskQueue: cleanRoomTaskQueue(request.customer) } } : {}),
      ...(partitions ? { partitions } : {}),
      ...(incremental ? { incremental } : {}),
    };
  };
}
