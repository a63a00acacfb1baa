/**
 * Checks of what an operator stores per customer and vendor (MySQL customer_vendors):
 * inputs and overrides are untrusted input (DESIGN invariant 9). Checked when written
 * and again when read, since rows may predate these checks. The merged config is
 * validated in full at run time (adapters/vendor-configs.ts applyOverrides); this is what
 * can be known without the vendor's config: where a URL may point, that header values
 * are well-formed templates, which override keys exist, how big an input may be.
 *
 * Pure (node:net's BlockList is an address matcher, no I/O).
 */
import { BlockList, isIP } from 'node:net';
import { InputError } from '../core/run-plan';
import { checkTemplate, ExpressionSyntaxError } from '../core/expression-syntax';
import { childPath } from '../core/validate-paths';
import { RESERVED_NAMES } from '../core/validate-names';
import { SemaphoreSpec, VendorConfig } from '../core/config-schema';

/** The fields a customer may override; anything else would change what a stream fetches or where its rows go. */
export const OVERRIDABLE = ['baseUrl', 'semaphore', 'concurrency', 'headers', 'rateLimit', 'timeoutSeconds', 'columns', 'tokenUrl', 'authVariant'] as const;

export const MAX_INPUT_LENGTH = 2_048;
/** Values a list input may hold: a list input names partitions, and a run starts at most 1,000 (core/partitions.ts). */
export const MAX_LIST_INPUT_ITEMS = 1_000;
export const MAX_URL_LENGTH = 2_048;
export const MAX_HEADER_VALUE_LENGTH = 8_192;
/** All overrides, as JSON: column overrides are the only big part, and a few hundred columns fit. */
export const MAX_OVERRIDES_BYTES = 256 * 1024;

const INPUT_NAME = /^[a-z][a-z0-9_]*$/;
/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Cloud metadata and link-local addresses: a baseUrl there would send the customer's
 * credentials, or DIF's own instance role, to the host DIF runs on. IPv4-mapped IPv6
 * forms match the IPv4 rules (BlockList does that), and the URL parser has already
 * turned hex, octal and short IPv4 forms into dotted quads.
 */
const FORBIDDEN_ADDRESSES = (() => {
  const list = new BlockList();
  list.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure metadata 169.254.169.254
  list.addSubnet('fe80::', 10, 'ipv6'); // link-local
  list.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
  list.addAddress('0.0.0.0', 'ipv4');
  list.addAddress('::', 'ipv6');
  return list;
})();
const FORBIDDEN_HOSTS = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal', 'instance-data', 'instance-data.ec2.internal']);

const LOOPBACK = (() => {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
})();

export class CustomerValueError extends InputError {
  override name = 'CustomerValueError';
  constructor(customer: string, vendor: string, field: string, problem: string) {
    super(`customer "${customer}", vendor "${vendor}": ${field}: ${problem}`);
  }
}

export interface CustomerValueOptions {
  /** Allow http:// to loopback hosts (127.0.0.0/8, ::1, localhost): tests' and the demo's mock vendors. Set by DIF_ALLOW_LOOPBACK_HTTP=1. */
  allowLoopbackHttp?: boolean;
}

/** Throws CustomerValueError naming the customer, the vendor and the field at fault. */
export function checkCustomerValues(
  customer: string,
  vendor: string,
  inputs: unknown,
  overrides: unknown,
  options: CustomerValueOptions = {},
): void {
  const fail = (field: string, problem: string): never => {
    throw new CustomerValueError(customer, vendor, field, problem);
  };
  if (!isPlainObject(inputs)) fail('inputs', 'must be a JSON object of input name to value');
  for (const [name, value] of Object.entries(inputs as Record<string, unknown>)) {
    const field = childPath('inputs', name);
    if (!INPUT_NAME.test(name) || name.length > 63) fail(field, 'an input name is lower-case letters, digits and _, starting with a letter, at most 63 characters');
    if (RESERVED_NAMES.has(name)) fail(field, `"${name}" cannot be an input name`);
    if (value === null) continue;
    if (Array.isArray(value)) {
      // A list input (several ad accounts, properties…): a flat list of scalar values, bounded.
      if (value.length > MAX_LIST_INPUT_ITEMS) fail(field, `holds ${value.length} values; at most ${MAX_LIST_INPUT_ITEMS}`);
      value.forEach((item, i) => checkScalar(`${field}[${i}]`, item, 'a list holds strings or numbers'));
      continue;
    }
    checkScalar(field, value, 'must be a string, a number or a list of them');
  }

  function checkScalar(field: string, value: unknown, expected: string): void {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(field, 'must be a finite number');
      return;
    }
    if (typeof value !== 'string') fail(field, `${expected}, not ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`);
    if ((value as string).length > MAX_INPUT_LENGTH) fail(field, `is ${(value as string).length} characters; at most ${MAX_INPUT_LENGTH}`);
    if (CONTROL.test(value as string)) fail(field, 'holds a control character (a line break, a NUL…)');
  }

  if (!isPlainObject(overrides)) fail('overrides', 'must be a JSON object');
  const o = overrides as Record<string, unknown>;
  if (JSON.stringify(o).length > MAX_OVERRIDES_BYTES) fail('overrides', `are larger than ${MAX_OVERRIDES_BYTES} bytes as JSON`);
  for (const key of Object.keys(o)) {
    if (!(OVERRIDABLE as readonly string[]).includes(key)) fail(childPath('overrides', key), `cannot be overridden per customer; allowed: ${OVERRIDABLE.join(', ')}`);
  }
  if (o.baseUrl !== undefined) checkUrl(o.baseUrl, 'overrides.baseUrl', fail, options);
  if (o.tokenUrl !== undefined) {
    if (typeof o.tokenUrl === 'string' && o.tokenUrl.includes('${')) checkTemplateValue(o.tokenUrl, 'overrides.tokenUrl', fail);
    else checkUrl(o.tokenUrl, 'overrides.tokenUrl', fail, options);
  }
  if (o.headers !== undefined) {
    if (!isPlainObject(o.headers)) fail('overrides.headers', 'must be an object of header name to value');
    for (const [name, value] of Object.entries(o.headers as Record<string, unknown>)) {
      const field = childPath('overrides.headers', name);
      if (!HEADER_NAME.test(name)) fail(field, 'is not a valid HTTP header name');
      if (typeof value !== 'string') fail(field, 'must be a string');
      if ((value as string).length > MAX_HEADER_VALUE_LENGTH) fail(field, `is longer than ${MAX_HEADER_VALUE_LENGTH} characters`);
      if (CONTROL.test(value as string)) fail(field, 'holds a control character (a line break, a NUL…)');
      checkTemplateValue(value as string, field, fail);
    }
  }
  for (const key of ['semaphore', 'rateLimit', 'columns'] as const) {
    if (o[key] !== undefined && !isPlainObject(o[key])) fail(`overrides.${key}`, 'must be a JSON object');
  }
  // The fields the grammar itself gives these objects, so a field added there may be overridden.
  const allowedFields = { semaphore: Object.keys(SemaphoreSpec.properties), rateLimit: Object.keys(VendorConfig.properties.rateLimit.properties) };
  for (const [key, fields] of Object.entries(allowedFields)) {
    for (const field of Object.keys((o[key] as object | undefined) ?? {})) {
      if (!(fields as readonly string[]).includes(field)) fail(`overrides.${key}.${field}`, `unknown field; allowed: ${fields.join(', ')}`);
    }
  }
  if (o.authVariant !== undefined && (typeof o.authVariant !== 'string' || !INPUT_NAME.test(o.authVariant) || o.authVariant.length > 63)) {
    fail('overrides.authVariant', 'must name one of the config\'s `authVariants` (lowercase letters, digits and _)');
  }
  if (o.timeoutSeconds !== undefined && (typeof o.timeoutSeconds !== 'number' || !(o.timeoutSeconds >= 0.1 && o.timeoutSeconds <= 86_400))) {
    fail('overrides.timeoutSeconds', 'must be a number of seconds from 0.1 to 86400');
  }
}

/** A template whose expressions parse, with no `$raw{}` (a header is not a URL). */
function checkTemplateValue(value: string, field: string, fail: (field: string, problem: string) => never): void {
  try {
    for (const part of checkTemplate(value, field)) {
      if ('expression' in part && part.raw) fail(field, '$raw{} is not allowed here: use ${…}');
      if ('auth' in part) fail(field, '$auth{} is not allowed here: the signer fills places only in a request\'s "xml" body');
    }
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) fail(field, e.message.slice(field.length + 2));
    throw e;
  }
}

/**
 * A URL built from customer values by the vendor's config (a `baseUrl` template over
 * inputs): held to what overrides.baseUrl is, since an input chose where it points.
 */
export function checkCustomerUrl(customer: string, vendor: string, value: string, field: string, options: CustomerValueOptions = {}): void {
  checkUrl(value, field, (f, problem) => {
    throw new CustomerValueError(customer, vendor, f, problem);
  }, options);
}

function checkUrl(value: unknown, field: string, fail: (field: string, problem: string) => never, options: CustomerValueOptions): void {
  if (typeof value !== 'string') return fail(field, 'must be a string');
  if (value.length > MAX_URL_LENGTH) fail(field, `is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(field, `${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.username || url.password) fail(field, 'must not carry a user name or password (store credentials with `dif credentials set`)');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const family = isIP(host) === 6 ? 'ipv6' : 'ipv4';
  if (FORBIDDEN_HOSTS.has(host) || (isIP(host) && FORBIDDEN_ADDRESSES.check(host, family))) {
    fail(field, `${host} is a link-local or cloud metadata address; DIF never calls it`);
  }
  const loopback = host === 'localhost' || (isIP(host) !== 0 && LOOPBACK.check(host, family));
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && loopback && options.allowLoopbackHttp) return;
  if (url.protocol === 'http:' && loopback) fail(field, 'must be https (http to a loopback host only with DIF_ALLOW_LOOPBACK_HTTP=1, for local mock vendors)');
  fail(field, `must be an https URL, not ${url.protocol.replace(/:$/, '')}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
