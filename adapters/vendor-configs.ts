import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse as parseTolerant, printParseErrorCode, visit, type ParseError } from 'jsonc-parser';
import { childPath } from '../core/validate-paths';
import { OVERRIDABLE } from '../runtime/customer-values';
import { validateVendorConfig, ConfigError } from '../core/validate';
import type { VendorConfig } from '../core/config-schema';
import { UnknownVendorError } from '../core/errors';

/** Line and column of a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** A UTF-8 byte order mark, as some Windows editors write at the start of a file; JSON.parse refuses it. */
const BOM = '\uFEFF';

export function parseJsonFile(file: string): unknown {
  const raw = fs.readFileSync(file, 'utf8');
  const text = raw.startsWith(BOM) ? raw.slice(BOM.length) : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8's messages give no position for many mistakes; jsonc-parser (strict options) always does.
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    const where = first ? lineColumn(text, first.offset) : undefined;
    const reason = first ? printParseErrorCode(first.error) : (e as Error).message;
    throw new ConfigError(file, [
      { path: where ? `line ${where.line}, column ${where.column}` : '(file)', message: `not valid JSON: ${reason}` },
    ]);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) throw new ConfigError(file, duplicates);
  return value;
}

/**
 * A key written twice in one object: JSON.parse keeps the last silently, so a second
 * "streams" or "auth" would hide the first. Reported with the path, line and column.
 */
function duplicateKeys(text: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const objects: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (name, offset, _length, _line, _column, pathSupplier) => {
      const keys = objects[objects.length - 1];
      if (keys.has(name)) {
        const where = lineColumn(text, offset);
        const path = [...pathSupplier(), name].reduce<string>((p, seg) => (typeof seg === 'number' ? `${p}[${seg}]` : childPath(p, seg)), '$');
        problems.push({ path, message: `key "${name}" is written twice in one object (line ${where.line}, column ${where.column}); JSON keeps only the last` });
      }
      keys.add(name);
    },
  });
  return problems;
}

/** Vendor configs from the vendors/ folder: one folder per vendor holding config.json. */
export class VendorConfigs {
  constructor(readonly dir: string) {}

  vendors(): string[] {
    if (!fs.existsSync(this.dir)) return [];
    return fs
      .readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(this.dir, d.name, 'config.json')))
      .map((d) => d.name)
      .sort();
  }

  fileOf(vendor: string): string {
    const file = path.join(this.dir, vendor, 'config.json');
    if (!/^[a-z][a-z0-9-]*$/.test(vendor) || !fs.existsSync(file)) throw new UnknownVendorError(vendor, file, this.vendors());
    return file;
  }

  load(vendor: string): VendorConfig {
    const file = this.fileOf(vendor);
    return validateVendorConfig(parseJsonFile(file), file, vendor);
  }
}

/** The auth kinds with a token endpoint. */
const TOKEN_URL_KINDS: string[] = ['oauth2', 'googleServiceAccount', 'jwtClientSecret'];

/**
 * Applies a customer's overrides (from MySQL) to a vendor config. Only the fields an
 * operator may sensibly change per customer are accepted, so an override can never alter
 * what a stream fetches or where its rows go.
 */
export function applyOverrides(config: VendorConfig, overrides: Record<string, unknown>, source: string): VendorConfig {
  const allowed = new Set<string>(OVERRIDABLE);
  for (const key of Object.keys(overrides)) {
    if (!allowed.has(key)) {
      throw new ConfigError(source, [{ path: `$.${key}`, message: `cannot be overridden per customer; allowed: ${[...allowed].join(', ')}` }]);
    }
  }
  // A customer may authenticate in one of the ways the config itself offers, by name: the
  // auth blocks are the config's, never the customer's.
  const auth = overrides.authVariant !== undefined ? authVariantOf(config, overrides.authVariant, source) : config.auth;
  // The OAuth2 token endpoint may differ per customer (Amazon's regional token hosts, a
  // proxy, a contract test's mock); the grant and the credentials it sends may not.
  const hasTokenUrl = TOKEN_URL_KINDS.includes(auth.kind);
  if (overrides.tokenUrl !== undefined && !hasTokenUrl) {
    throw new ConfigError(source, [{ path: '$.tokenUrl', message: `applies only to ${TOKEN_URL_KINDS.join(', ')} auth, not ${auth.kind}` }]);
  }
  const merged = {
    ...config,
    auth,
    ...(overrides.baseUrl !== undefined ? { baseUrl: overrides.baseUrl } : {}),
    ...(overrides.headers !== undefined ? { headers: { ...config.headers, ...(overrides.headers as object) } } : {}),
    ...(overrides.semaphore !== undefined ? { semaphore: { ...config.semaphore, ...(overrides.semaphore as object) } } : {}),
    ...(overrides.timeoutSeconds !== undefined ? { timeoutSeconds: overrides.timeoutSeconds } : {}),
    ...(overrides.rateLimit !== undefined ? { rateLimit: { ...config.rateLimit, ...(overrides.rateLimit as object) } } : {}),
    ...(overrides.concurrency !== undefined ? { concurrency: { ...config.concurrency, ...(overrides.concurrency as object) } } : {}),
    ...(overrides.tokenUrl !== undefined && hasTokenUrl ? { auth: { ...auth, tokenUrl: overrides.tokenUrl as string } } : {}),
  };
  if (overrides.columns !== undefined) merged.streams = overrideColumns(config, overrides.columns, source);
  return validateVendorConfig(merged, source);
}

function authVariantOf(config: VendorConfig, name: unknown, source: string): VendorConfig['auth'] {
  const variants = config.authVariants ?? {};
  const variant = typeof name === 'string' && Object.prototype.hasOwnProperty.call(variants, name) ? variants[name] : undefined;
  if (!variant) {
    const offered = Object.keys(variants);
    throw new ConfigError(source, [{ path: '$.authVariant', message: `${JSON.stringify(name)} is not one of this vendor's authVariants (${offered.length ? offered.join(', ') : 'it has none'})` }]);
  }
  return variant;
}

/** Content hash that pins a run to the exact config it started with. */
export function configHash(config: VendorConfig, inputs: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify({ config, inputs })).digest('hex').slice(0, 16);
}

/**
 * `columns` overrides: `{ "<stream>": [column, …] }`. A column with a name the table has
 * replaces it (a customer whose account reports spend in cents, a renamed field); a new
 * name adds a column. The key and the table name cannot change, so rows still merge.
 */
function overrideColumns(config: VendorConfig, value: unknown, source: string): VendorConfig['streams'] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(source, [{ path: '$.columns', message: 'must be an object of stream name to a list of columns' }]);
  }
  const streams = { ...config.streams };
  for (const [name, columns] of Object.entries(value as Record<string, unknown>)) {
    const stream = streams[name];
    if (!stream) throw new ConfigError(source, [{ path: `$.columns.${name}`, message: `no stream "${name}"; streams: ${Object.keys(streams).join(', ')}` }]);
    if (!Array.isArray(columns)) throw new ConfigError(source, [{ path: `$.columns.${name}`, message: 'must be a list of columns' }]);
    const merged = [...stream.table.columns];
    for (const column of columns as { name?: string }[]) {
      const at = merged.findIndex((c) => c.name === column?.name);
      if (at >= 0) merged[at] = column as (typeof merged)[number];
      else merged.push(column as (typeof merged)[number]);
    }
    streams[name] = { ...stream, table: { ...stream.table, columns: merged } };
  }
  return streams;
}
