/**
 * A vendor `baseUrl` that holds templates (`https://sellingpartnerapi-${inputs.region}.amazon.com`:
 * a regional host chosen by a customer input) is rendered once, when the run is pinned, so
 * every later reader (requests, token URLs, next-page links, download links) sees one plain
 * URL, and the pinned config says where the run went. The input chose the host, so the
 * result is held to the rules of a customer's overrides.baseUrl (https, no metadata
 * address, no credentials in it).
 */
import type { VendorConfig } from '../core/config-schema';
import type { ActivityDeps } from './deps';
import { answerField } from '../auth/access-token';
import { baseUrlOf } from '../auth/oauth2/base-url';
import { finalFailure } from './failures';
import { readText, VendorClient } from './vendor-client';
import { isTemplate } from '../core/template';
import { ExpressionScope, usingScope } from '../runtime/expression/expression';
import { checkCustomerUrl } from '../runtime/customer-values';

export function withRenderedBaseUrl(config: VendorConfig, variables: Record<string, unknown>, customer: string): VendorConfig {
  if (!config.baseUrl || !isTemplate(config.baseUrl)) return config;
  const template = config.baseUrl;
  const baseUrl = usingScope(variables, (scope) => scope.render(template, `${config.vendor}: $.baseUrl`, 'url'));
  checkCustomerUrl(customer, config.vendor, baseUrl, `$.baseUrl rendered from the customer's inputs (${JSON.stringify(baseUrl)})`);
  return { ...config, baseUrl };
}

/**
 * `baseUrlFrom`: the base URL a call names (Eloqua's pod, from login.eloqua.com/id), found
 * once when the run is pinned and held to the config's `hosts` over https, since every
 * credential of the run is sent there.
 */
export async function withDiscoveredBaseUrl(deps: ActivityDeps, config: VendorConfig, variables: Record<string, unknown>, customer: string): Promise<VendorConfig> {
  const discovery = config.baseUrlFrom;
  if (!discovery) return config;
  const where = `${config.vendor}: $.baseUrlFrom`;
  const client = await VendorClient.open(deps, config, customer, undefined, variables.inputs as Record<string, unknown> | undefined);
  const response = await client.send(discovery.request, new ExpressionScope(variables), `${where}.request`);
  const text = await readText(response.body);
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw finalFailure('DataError', `${where}: ${response.label} answered with a body that is not JSON`);
  }
  return { ...config, baseUrl: baseUrlOf(answerField(answer, discovery.field), discovery, where, `the answer of ${response.label}`) };
}
