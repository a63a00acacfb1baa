import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { PermitRef } from '../adapters/locks/semaphores';
import type { RunContext, FetchedPage } from '../interpreter/contracts';
import { pageKey, runPrefix } from '../interpreter/run-plan';
import { ExpressionScope } from '../interpreter/expression';
import { retryAfterMs } from '../interpreter/retry-after';
import type { ActivityDeps } from './deps';
import { finalFailure, redact, retryableFailure } from './failures';
import { applyAuth, buildRequest, secretsOf } from './http-request';
import { pinnedRun } from './pinned-config';
import { underPermit } from './permits';

export interface FetchStepInput {
  run: RunContext;
  stepIndex: number;
  permit: PermitRef;
}

/**
 * Calls one step's endpoint and streams the response body, untouched, to the object store
 * under a key fixed by run, step and page: a retry overwrites, never adds. Secrets are
 * revealed here, used for this request, and scrubbed from anything this function throws.
 */
export function fetchStepActivity(deps: ActivityDeps) {
  return async function fetchStep({ run, stepIndex, permit }: FetchStepInput): Promise<FetchedPage> {
    return underPermit(deps, permit, async (permitLost) => {
      const { config, inputs } = await pinnedRun(deps.objectStore, run.configKey);
      const step = config.streams[run.stream].steps[stepIndex];
      const where = `${run.vendor}: $.streams.${run.stream}.steps[${stepIndex}]`;
      const secretValues: Record<string, string> = {};
      for (const name of secretsOf(config.auth)) {
        try {
          secretValues[name] = await deps.credentials.reveal({ customerId: run.customer, vendor: run.vendor, name });
        } catch (e) {
          throw finalFailure('CredentialError', (e as Error).message);
        }
      }
      const secrets = Object.values(secretValues);
      const scope = new ExpressionScope({ inputs, window: run.window, customer: run.customer });
      let request;
      try {
        request = buildRequest(config, step.request, scope, where);
      } catch (e) {
        throw finalFailure('ConfigError', (e as Error).message);
      }
      applyAuth(config.auth, request, secretValues);

      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          // Aborted on timeout, or when the permit is lost: a holder that lost its permit stops calling the vendor.
          signal: AbortSignal.any([permitLost, AbortSignal.timeout(deps.httpTimeoutMs ?? 60_000)]),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
        throw retryableFailure('VendorUnavailable', redact(`${request.label} on ${request.url.host} failed: ${cause}`, secrets));
      }

      if (!response.ok) {
        const text = redact((await response.text().catch(() => '')).slice(0, 500), secrets);
        const message = `${request.label} answered ${response.status}: ${text}`;
        if (response.status === 429 || response.status === 503) {
          throw retryableFailure('VendorThrottled', message, retryAfterMs(response.headers.get('retry-after'), Date.now()));
        }
        if (response.status >= 500 || response.status === 408) throw retryableFailure('VendorError', message);
        throw finalFailure('VendorRequestError', message);
      }
      if (!response.body) throw retryableFailure('VendorError', `${request.label} answered ${response.status} with no body`);

      const objectKey = pageKey(runPrefix('raw', run, run.runId), step.name, 1);
      try {
        const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
        const { bytes } = await deps.objectStore.put(objectKey, body, response.headers.get('content-type') ?? undefined);
        return { objectKey, bytes, status: response.status };
      } catch (e) {
        throw retryableFailure('VendorError', redact(`${request.label}: reading the response failed: ${(e as Error).message}`, secrets));
      }
    });
  };
}
