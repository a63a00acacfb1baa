/**
 * A vendor `baseUrl` that holds templates (`https://sellingpartnerapi-${inputs.region}.amazon.com`:
 * a regional host chosen by a customer input) is rendered once, when the run is pinned, so
 * every later reader (requests, token URLs, next-page links, download links) sees one plain
 * URL, and the pinned config says where the run went. The input chose the host, so the
 * result is held to the rules of a customer's overrides.baseUrl (https, no metadata
 * address, no credentials in it).
 */
import type { VendorConfig } from '../core/config-schema';
import { isTemplate } from '../core/template';
import { usingScope } from '../runtime/expression/expression';
import { checkCustomerUrl } from '../runtime/customer-values';

export function withRenderedBaseUrl(config: VendorConfig, variables: Record<string, unknown>, customer: string): VendorConfig {
  if (!config.baseUrl || !isTemplate(config.baseUrl)) return config;
  const template = config.baseUrl;
  const baseUrl = usingScope(variables, (scope) => scope.render(template, `${config.vendor}: $.baseUrl`, 'url'));
  checkCustomerUrl(customer, config.vendor, baseUrl, `$.baseUrl rendered from the customer's inputs (${JSON.stringify(baseUrl)})`);
  return { ...config, baseUrl };
}
