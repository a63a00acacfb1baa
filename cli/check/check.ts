/**
 * `dif check`: the config's `check` call (core/check-grammar.ts) for one customer, made as a
 * run would make it: the customer's overrides and inputs from MySQL (checked as a run checks
 * them), credentials from KMS, the vendor's auth, headers and rate limit, one request. Runs
 * in a secret scope and on an expression thread, as an activity does, so whatever it says
 * is scrubbed of every secret it revealed.
 */
import type { ActivityDeps } from '../../activities/deps';
import { checkCustomerInputs } from '../../activities/customer-inputs';
import { withDiscoveredBaseUrl, withRenderedBaseUrl } from '../../activities/base-url';
import { toFailure } from '../../activities/failures';
import { withSecretScope } from '../../activities/secret-scope';
import { readJsonText, VendorClient, type VendorResponse } from '../../activities/vendor-client';
import { applyOverrides } from '../../adapters/vendor-configs';
import type { CheckConfig } from '../../core/check-grammar';
import type { VendorConfig } from '../../core/config-schema';
import { InputError, windowVariables } from '../../core/run-plan';
import { ExpressionScope, usingScope, withExpressionThread } from '../../runtime/expression/expression';
import { requireCustomerVendor } from '../shared/customer-check';

export interface CheckOutcome {
  vendor: string;
  customer: string;
  ok: boolean;
  /** Method and path of the call (no query: it may hold a key). */
  request: string;
  status: number;
  ms: number;
  /** Why the answer does not prove the credentials work: the vendor's message. */
  message?: string;
  docs?: string;
}

/** Longest message quoted from an answer. */
const MESSAGE_LIMIT = 1000;

export async function runCheck(deps: ActivityDeps, vendor: string, customer: string): Promise<CheckOutcome> {
  const base = deps.vendorConfigs.load(vendor);
  const check = base.check;
  if (!check) throw new InputError(`${vendor} declares no check ($.check): add one, a cheap call and what proves it worked, to its config.json`);
  await requireCustomerVendor(deps.customers, customer, vendor);
  const found = (await deps.customers.findCustomerVendor(customer, vendor))!;
  const scoped = withSecretScope(() =>
    withExpressionThread(async () => {
      try {
        const config = applyOverrides(base, found.overrides, `overrides of customer ${customer} for ${vendor}`);
        checkCustomerInputs(config, customer, found.inputs);
        return await callCheck(deps, config, check, customer, found.inputs);
      } catch (e) {
        throw toFailure(e);
      }
    }),
  );
  return scoped();
}

async function callCheck(deps: ActivityDeps, config: VendorConfig, check: CheckConfig, customer: string, inputs: Record<string, unknown>): Promise<CheckOutcome> {
  // A check has no window of its own; one that names window.* sees yesterday's (UTC).
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const variables = { inputs, window: windowVariables({ from: day, to: day }, config.window?.dateFormat), customer };
  const pinned = await withDiscoveredBaseUrl(deps, withRenderedBaseUrl(config, variables, customer), variables, customer);
  const client = await VendorClient.open(deps, pinned, customer, undefined, inputs);
  const where = `${config.vendor}: $.check`;
  const started = Date.now();
  const requestScope = new ExpressionScope(variables);
  let response: VendorResponse;
  try {
    response = await client.send(check.request, requestScope, `${where}.request`);
  } finally {
    requestScope.dispose();
  }
  const text = await readJsonText(response);
  const ms = Date.now() - started;
  const outcome = { vendor: config.vendor, customer, request: response.label, status: response.status, ms, ...(check.docs ? { docs: check.docs } : {}) };
  const answer = parsed(text);
  return usingScope({ ...variables, response: answer ?? text, status: response.status, headers: response.headers }, (scope) => {
    const errorsWhen = config.errors?.when;
    const ok = check.success ? Boolean(scope.evaluate(check.success, `${where}.success`)) : !(errorsWhen && scope.evaluate(errorsWhen, `${config.vendor}: $.errors.when`));
    if (ok) return { ...outcome, ok };
    const messageExpression = check.message ?? config.errors?.message;
    const message = messageExpression ? String(scope.evaluate(messageExpression, check.message ? `${where}.message` : `${config.vendor}: $.errors.message`)) : text;
    return { ...outcome, ok, message: client.scrub(message).slice(0, MESSAGE_LIMIT) };
  });
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
