/**
 * The API base URL an answer names (Salesforce's token answer `instance_url`, Eloqua's
 * login.eloqua.com/id `urls.base`). Credentials are sent wherever it points, so it must be an https URL (http only to loopback, for mock vendors)
 * on a host the config allows; anything else fails the run rather than send the token
 * elsewhere.
 */
import { finalFailure } from '../../activities/failures';

export interface BaseUrlRule {
  field: string;
  hosts: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether `host` is `pattern` or, for `*.domain`, a host under the domain. */
export function hostAllowed(host: string, pattern: string): boolean {
  return pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern;
}

/**
 * The base URL an answer names, checked against the rule; `where` is the config path for
 * errors, `answer` says which answer it is (a token answer, a discovery call's).
 */
export function baseUrlOf(value: unknown, rule: BaseUrlRule, where: string, answer = 'the token answer'): string {
  if (typeof value !== 'string' || !value) throw finalFailure('DataError', `${where}: ${answer} has no ${rule.field}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw finalFailure('DataError', `${where}: ${answer}'s ${rule.field} is not a URL`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.username || url.password || !rule.hosts.some((pattern) => hostAllowed(url.hostname, pattern))) {
    throw finalFailure('DataError', `${where}: ${answer}'s ${rule.field} names ${url.protocol}//${url.host}, which is not an https URL on one of ${rule.hosts.join(', ')}; no credential is sent there`);
  }
  return url.href.replace(/\/$/, '');
}

/** `url` moved from the configured base onto `base`, when it was built on the configured base. */
export function rebased(url: URL, configuredBase: string, base: string): URL {
  const from = configuredBase.replace(/\/$/, '');
  const href = url.href;
  if (href !== from && !href.startsWith(`${from}/`) && !href.startsWith(`${from}?`)) return url;
  return new URL(base + href.slice(from.length));
}
