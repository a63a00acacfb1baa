/**
 * Validation of vendor configs: the JSON Schema checks, refined so that a union such as a
 * step or an auth block reports the member its `kind` selects, then the semantic checks a
 * schema cannot express. Every problem names its JSON path, e.g.
 * `$.streams.campaign_daily.steps[0].request.path`, and a hint.
 */
import { crashSlackMs } from './heartbeat';
import { Value } from '@sinclair/typebox/value';
import { Kind, type TSchema, type TUnion } from '@sinclair/typebox';
import { VendorConfig, type VendorConfigDocument } from './config-schema';
import { expressionProblems } from './validate-expressions';
import { nameProblems } from './validate-names';
import { limitProblems } from './validate-limits';
import { childPath, inConfigOrder } from './validate-paths';
import { columnProblems } from './validate-columns';
import { keyedDecodeProblems } from './validate-keyed';
import { decodeLinesProblems } from './validate-decode-lines';
import { piiDeclarationProblems } from './pii-columns';
import { stepKindOf } from '../steps/registry';
import { authProblems } from '../auth/grammar-registry';
import { partitionProblems } from './partitions';
import { loadModeProblems } from './load-modes';
import { childTableProblems } from './child-tables';
import { incrementalProblems } from './validate-incremental';
import { discoverProblems } from './discovered-fields';
import { checkRequests } from '../steps/shared/validate';

export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `invalid vendor config ${source}:\n` + problems.map((p) => `  ${p.path}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** `/streams/a/steps/0/kind` → `$.streams.a.steps[0].kind` */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '$';
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`))
      .join('')
  );
}

function kindsOf(union: TUnion): string[] {
  return union.anyOf
    .map((member: TSchema) => member.properties?.kind?.const as string | undefined)
    .filter((k): k is string => typeof k === 'string');
}

function schemaErrors(schema: TSchema, value: unknown, pointer: string, out: ConfigProblem[]): void {
  if (schema[Kind] === 'Union' && value && typeof value === 'object' && !Array.isArray(value)) {
    const union = schema as TUnion;
    const kinds = kindsOf(union);
    if (kinds.length === union.anyOf.length) {
      const kind = (value as Record<string, unknown>).kind;
      const member = union.anyOf.find((m: TSchema) => m.properties.kind.const === kind);
      if (!member) {
        out.push({
          path: pointerToPath(pointer + '/kind'),
          message: `unknown kind ${JSON.stringify(kind)}; expected one of: ${kinds.join(', ')}`,
        });
        return;
      }
      schemaErrors(member, value, pointer, out);
      return;
    }
    // A shorthand or an object (explode: a path, or {path, parallel, indexAs}): an object is checked as the object form, by field.
    const objects = union.anyOf.filter((m: TSchema) => m[Kind] === 'Object');
    if (objects.length === 1) {
      schemaErrors(objects[0], value, pointer, out);
      return;
    }
  }
  if (schema[Kind] === 'Object' && value && typeof value === 'object' && !Array.isArray(value)) {
    // Descend property by property so nested unions get the refinement above.
    const obj = value as Record<string, unknown>;
    const props: Record<string, TSchema> = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(obj, name)) out.push({ path: pointerToPath(pointer), message: `missing required field "${name}"` });
    }
    for (const [name, v] of Object.entries(obj)) {
      // Own properties only: a key such as "constructor" must not find Object.prototype's.
      if (Object.hasOwn(props, name)) schemaErrors(props[name], v, `${pointer}/${name}`, out);
      else if (schema.additionalProperties === false)
        out.push({
          path: pointerToPath(`${pointer}/${name}`),
          message: `unknown field "${name}"; allowed: ${Object.keys(props).join(', ')}`,
        });
    }
    return;
  }
  if (schema[Kind] === 'Array' && Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      out.push({ path: pointerToPath(pointer), message: `needs at least ${schema.minItems} item(s)` });
    // Checked here too: descending item by item, nothing else would see the array's own bounds.
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push({ path: pointerToPath(pointer), message: `holds ${value.length} items; at most ${schema.maxItems} allowed` });
    value.forEach((item, i) => schemaErrors(schema.items, item, `${pointer}/${i}`, out));
    return;
  }
  if (schema[Kind] === 'Record' && value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (schema.minProperties !== undefined && entries.length < schema.minProperties)
      out.push({ path: pointerToPath(pointer), message: `needs at least ${schema.minProperties} entry(ies)` });
    const [keyPattern, valueSchema] = Object.entries(schema.patternProperties as Record<string, TSchema>)[0];
    for (const [k, v] of entries) {
      if (!new RegExp(keyPattern).test(k))
        out.push({ path: pointerToPath(`${pointer}/${k}`), message: `name must match ${keyPattern}` });
      schemaErrors(valueSchema, v, `${pointer}/${k}`, out);
    }
    return;
  }
  for (const e of Value.Errors(schema, value)) {
    out.push({ path: pointerToPath(pointer + e.path), message: hintFor(e.message, e.schema) });
  }
}

function hintFor(message: string, schema: TSchema): string {
  const example = Array.isArray(schema.examples) ? ` (for example ${JSON.stringify(schema.examples[0])})` : '';
  const description = schema.description ? ` — ${schema.description}` : '';
  return `${message.toLowerCase()}${example}${description}`;
}

function semanticErrors(config: VendorConfigDocument, folderName: string | undefined, out: ConfigProblem[]): void {
  if (folderName !== undefined && config.vendor !== folderName)
    out.push({ path: '$.vendor', message: `is "${config.vendor}" but the config is in folder "${folderName}"` });
  const http = Object.values(config.streams).some((s) => s.steps.some((step) => stepKindOf(step.kind).callsApi));
  if (http && config.baseUrl === undefined) out.push({ path: '$', message: 'missing required field "baseUrl": this vendor has HTTP steps' });
  if (http && config.auth === undefined) out.push({ path: '$', message: 'missing required field "auth": this vendor has HTTP steps (use {"kind": "none"} for none)' });
  authProblems(config.auth, out);
  if (config.check) {
    if (!http && (config.baseUrl === undefined || config.auth === undefined)) out.push({ path: '$.check', message: 'a check calls the API: the config needs "baseUrl" and "auth"' });
    checkRequests(config.check, '$.check', out);
  }
  if (config.baseUrlFrom && !config.baseUrlFrom.request.url) {
    out.push({ path: '$.baseUrlFrom.request', message: 'needs an absolute "url": the base URL is what this call finds' });
  }
  for (const [streamName, stream] of Object.entries(config.streams)) {
    const at = `$.streams.${streamName}`;
    const columns = new Set<string>();
    stream.table.columns.forEach((column, i) => {
      if (columns.has(column.name))
        out.push({ path: `${at}.table.columns[${i}].name`, message: `duplicate column "${column.name}"` });
      columns.add(column.name);
      if (column.source && column.metadata)
        out.push({ path: `${at}.table.columns[${i}].metadata`, message: 'a column takes its value from `source` or `metadata`, not both' });
      for (const message of piiDeclarationProblems(column)) out.push({ path: `${at}.table.columns[${i}].pii`, message });
      columnProblems(column, `${at}.table.columns[${i}]`, out);
    });
    stream.table.primaryKey.forEach((key, i) => {
      if (!columns.has(key))
        out.push({ path: `${at}.table.primaryKey[${i}]`, message: `"${key}" is not one of the table's columns` });
      // Redshift's SUPER neither compares nor groups: a key column must.
      else if (stream.table.columns.find((c) => c.name === key)?.type === 'json')
        out.push({ path: `${at}.table.primaryKey[${i}]`, message: `"${key}" is a json column, which cannot be part of a key` });
    });
    const stepNames = new Set<string>();
    stream.steps.forEach((step, i) => {
      const stepAt = `${at}.steps[${i}]`;
      if (stepNames.has(step.name)) out.push({ path: `${stepAt}.name`, message: `duplicate step "${step.name}"` });
      stepKindOf(step.kind).check(step, { at: stepAt, index: i, all: stream.steps, earlier: stepNames }, out);
      keyedDecodeProblems(step as Parameters<typeof keyedDecodeProblems>[0], stepAt, out);
      decodeLinesProblems(step as Parameters<typeof decodeLinesProblems>[0], stepAt, out);
      stepNames.add(step.name);
    });
    incrementalProblems(stream, at, out);
    if (stream.discover) {
      discoverProblems(stream.discover, `${at}.discover`, out);
      // The fields are listed by the first step's fetch, before its first page (steps/shared/fetch-pages.ts).
      const first = stream.steps[0].kind;
      if (first !== 'single' && first !== 'paginated') out.push({ path: `${at}.discover`, message: `the fields are listed before the first step's first page, so that step must be single or paginated, not ${first}` });
    }
  }
}

/**
 * Each of `authVariants` is checked as the config's `auth` would be (its grant's fields,
 * the credentials its templates read), by validating the config with the variant in its
 * place; what is found is named at `$.authVariants.<name>`.
 */
function authVariantProblems(config: VendorConfigDocument, source: string, folderName: string | undefined, out: ConfigProblem[]): void {
  const { authVariants, ...withoutVariants } = config;
  for (const [name, variant] of Object.entries(authVariants ?? {})) {
    try {
      checkVendorConfig({ ...withoutVariants, auth: variant }, source, folderName);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const problem of e.problems) out.push({ ...problem, path: problem.path.replace(/^\$\.auth(?=$|[.[])/, childPath('$.authVariants', name)) });
    }
  }
}

/** Returns the config typed, or throws a ConfigError listing every problem with its path. */
export function validateVendorConfig(value: unknown, source: string, folderName?: string): VendorConfig {
  return checkVendorConfig(value, source, folderName).config;
}

/**
 * A lease so short that a crashed worker's retry may find the permit gone (core/heartbeat.ts).
 * A warning, not a refusal: tests and demos run short leases on purpose, and a lost permit
 * fails the run visibly (PermitLost) rather than exceeding the limit.
 */
function leaseWarnings(config: VendorConfigDocument, warnings: ConfigProblem[]): void {
  const leaseSeconds = config.semaphore?.leaseSeconds ?? 300;
  const initialSeconds = config.retry?.initialIntervalSeconds ?? 1;
  const slackMs = crashSlackMs(leaseSeconds * 1000, initialSeconds * 1000);
  if (slackMs >= CRASH_SLACK_MS) return;
  warnings.push({
    path: '$.semaphore.leaseSeconds',
    message:
      `${leaseSeconds} s leaves a crashed worker's retry ${(slackMs / 1000).toFixed(1)} s to renew the permit ` +
      `(a renewal every third of the lease, a heartbeat timeout of half of it, then retry.initialIntervalSeconds ${initialSeconds}); ` +
      `at least ${Math.ceil((CRASH_SLACK_MS / 1000 + initialSeconds) * 6)} s keeps ${CRASH_SLACK_MS / 1000} s in hand`,
  });
}

/** What a crashed holder's retry should have in hand to start, be picked up and renew. */
const CRASH_SLACK_MS = 3_000;

/**
 * As validateVendorConfig, and also returns the warnings: things allowed but worth a
 * look (each `$raw{}` use), which `dif validate` prints.
 */
export function checkVendorConfig(value: unknown, source: string, folderName?: string): { config: VendorConfig; warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  schemaErrors(VendorConfig, value, '', problems);
  const config = value as VendorConfigDocument;
  if (problems.length === 0) {
    semanticErrors(config, folderName, problems);
    nameProblems(config, problems);
    partitionProblems(config, problems);
    loadModeProblems(config, problems);
    childTableProblems(config, problems);
    limitProblems(config, problems);
    expressionProblems(config, problems, warnings);
    leaseWarnings(config, warnings);
  }
  if (problems.length === 0) authVariantProblems(config, source, folderName, problems);
  if (problems.length > 0) throw new ConfigError(source, inConfigOrder(config, problems));
  return { config: config.auth !== undefined ? (config as VendorConfig) : { ...config, auth: { kind: 'none' } }, warnings };
}
