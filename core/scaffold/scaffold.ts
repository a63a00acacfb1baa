/**
 * `dif scaffold --openapi`: a first vendor config from an OpenAPI 3 document, one stream per
 * chosen GET operation. Every guess (auth, base URL, records, columns, pagination, primary
 * key) says what it was read from in `api.notes` or the stream's `description`, so the author
 * knows what to check. Pure: the document comes in parsed; the command reads and writes files.
 */
import type { RequestConfig, StreamConfig, VendorConfigDocument } from '../config-schema';
import { InputError } from '../run-plan';
import { guessAuth } from './auth';
import { columnName, guessColumns, guessPrimaryKey, guessRecords } from './columns';
import { guessPagination } from './guess-pagination';
import { checkOpenApi3, getOperations, isObject, okResponse, parametersOf, type Json } from './openapi';

export interface ScaffoldOptions {
  /** The file the document came from, for messages. */
  file: string;
  /** operationIds of the GET operations to make streams of. */
  operations: string[];
  vendor?: string;
}

/** The GET operations a document offers, for the list shown when none was chosen. */
export function listGetOperations(document: unknown, file: string): { id: string; path: string; summary?: string }[] {
  const doc = checkOpenApi3(document, file);
  return getOperations(doc).map(({ id, path, operation }) => ({ id, path, summary: typeof operation.summary === 'string' ? operation.summary : undefined }));
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').replace(/^([^a-z])/, 'v-$1').slice(0, 63) || 'vendor';
const PAGE_SIZE = /^(page_?size|per_?page|limit|page\[size\]|count|max_?results)$/i;

/** servers[0]'s URL with its variables filled by their defaults. */
function baseUrlOf(doc: Json, file: string): { url: string; note: string } {
  const server = Array.isArray(doc.servers) && isObject(doc.servers[0]) ? doc.servers[0] : undefined;
  if (!server || typeof server.url !== 'string') throw new InputError(`${file}: $.servers is empty: the document names no base URL`);
  const variables = isObject(server.variables) ? server.variables : {};
  const filled: string[] = [];
  const url = server.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = variables[name];
    if (!isObject(v) || v.default === undefined) throw new InputError(`${file}: $.servers[0].variables.${name} has no default to fill ${server.url}`);
    filled.push(`${name}=${String(v.default)}`);
    return String(v.default);
  });
  if (!/^https?:\/\//.test(url)) throw new InputError(`${file}: $.servers[0].url ${JSON.stringify(url)} is not an absolute http(s) URL`);
  const others = Array.isArray(doc.servers) && doc.servers.length > 1 ? ` (${doc.servers.length - 1} other servers listed)` : '';
  return { url: url.replace(/\/$/, ''), note: `Base URL: servers[0]${filled.length ? ` with variables ${filled.join(', ')}` : ''}${others}.` };
}

export function scaffoldConfig(document: unknown, options: ScaffoldOptions): VendorConfigDocument {
  const doc = checkOpenApi3(document, options.file);
  const all = getOperations(doc);
  const chosen = [...new Set(options.operations)].map((id) => {
    const found = all.find((o) => o.id === id);
    if (!found) {
      const known = all.map((o) => o.id);
      const shown = known.slice(0, 40).join(', ') + (known.length > 40 ? `, … ${known.length - 40} more (dif scaffold without --operation lists them all)` : '');
      throw new InputError(`${options.file}: no GET operation with operationId ${JSON.stringify(id)}; the GET operations are: ${shown}`);
    }
    return found;
  });
  const info = isObject(doc.info) ? doc.info : {};
  const title = typeof info.title === 'string' ? info.title : options.vendor ?? 'Vendor';
  const vendor = options.vendor ?? slug(title.replace(/\bapi\b/i, ''));
  const base = baseUrlOf(doc, options.file);
  const auth = guessAuth(doc, chosen.map((c) => c.operation));
  const inputs: VendorConfigDocument['inputs'] = [];
  const streams: Record<string, StreamConfig> = {};
  for (const op of chosen) {
    // Two operationIds may spell the same stream name (`get-images`, `get_images`): number the later ones.
    const base = columnName([op.id]).slice(0, 60);
    let name = base;
    for (let n = 2; streams[name] !== undefined; n++) name = `${base}_${n}`;
    try {
      streams[name] = streamOf(doc, op, `${vendor.replace(/-/g, '_')}_${name}`.slice(0, 63), inputs, options.file);
    } catch (e) {
      // A broken $ref is found deep in a schema: say which file and operation it was reached from.
      if (e instanceof InputError && e.message.startsWith('$ref')) throw new InputError(`${options.file}: GET ${op.path} (${op.id}): ${e.message}`);
      throw e;
    }
  }
  const docsUrl = [isObject(doc.externalDocs) ? doc.externalDocs.url : undefined, isObject(info.contact) ? info.contact.url : undefined, base.url].find(
    (u): u is string => typeof u === 'string' && u.startsWith('https://'),
  );
  const notes = `Scaffolded from ${options.file} (${title} ${String(info.version ?? '')}) by dif scaffold; every guess below and in each stream's description needs checking. No sunset is read from an OpenAPI document: look it up. ${base.note} ${auth.note}`;
  return {
    $schema: '../../core/vendor-config.schema.json',
    vendor,
    title,
    ...(docsUrl ? { api: { version: String(info.version ?? 'unknown'), sunset: null, notes: notes.slice(0, 2000), docs: [docsUrl] } } : {}),
    baseUrl: base.url,
    auth: auth.auth,
    inputs,
    semaphore: { scope: 'customer', limit: 2 },
    streams,
  };
}

/** One stream: path parameters (and required query or header parameters without a default) become inputs. */
function streamOf(doc: Json, op: ReturnType<typeof getOperations>[number], table: string, inputs: VendorConfigDocument['inputs'], file: string): StreamConfig {
  const params = parametersOf(doc, op.pathItem, op.operation);
  const notes: string[] = [];
  const input = (p: Json) => {
    const name = columnName([String(p.name)]);
    const type = isObject(p.schema) && p.schema.type === 'integer' ? 'integer' : 'string';
    if (!inputs.some((i) => i.name === name))
      inputs.push({ name, type, ...(typeof p.description === 'string' ? { description: p.description.replace(/\s+/g, ' ').slice(0, 300) } : {}) });
    return `\${inputs.${name}}`;
  };
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => input(params.find((p) => p.in === 'path' && p.name === n) ?? { name: n }));
  const request: RequestConfig = { path };
  const query = params.filter((p) => p.in === 'query');
  const response = okResponse(doc, op.operation);
  if (!response) throw new InputError(`${file}: GET ${op.path} (${op.id}) declares no 2xx response to read records from`);
  const paging = guessPagination(doc, query, response.schema, response.headers);
  const used = new Set<string>();
  if (paging.pagination) for (const k of ['param', 'offsetParam', 'limitParam', 'pageParam', 'sizeParam'] as const) {
    const v = (paging.pagination as Record<string, unknown>)[k];
    if (typeof v === 'string') used.add(v);
  }
  const fixed: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const p of params.filter((x) => (x.in === 'query' || x.in === 'header') && !used.has(String(x.name)))) {
    const schema = isObject(p.schema) ? p.schema : {};
    const size = p.in === 'query' && PAGE_SIZE.test(String(p.name)) && typeof schema.maximum === 'number';
    if (size && paging.pagination && (paging.pagination.kind === 'cursor' || paging.pagination.kind === 'nextUrl')) {
      fixed[String(p.name)] = String(schema.maximum);
      notes.push(`Page size: ${String(p.name)}=${String(schema.maximum)}, the parameter's maximum.`);
    } else if (p.required === true) {
      const value = schema.default !== undefined ? String(schema.default) : input(p);
      (p.in === 'header' ? headers : fixed)[String(p.name)] = value;
      notes.push(`Required ${String(p.in)} parameter ${String(p.name)}: ${schema.default !== undefined ? `its default ${value}` : `the input ${value}`}.`);
    }
  }
  if (Object.keys(fixed).length) request.query = fixed;
  if (Object.keys(headers).length) request.headers = headers;
  const records = guessRecords(doc, response.schema);
  if (!records) throw new InputError(`${file}: the 200 response of GET ${op.path} (${op.id}) holds no array of objects to take records from`);
  const { columns, leftOut } = guessColumns(doc, records.item);
  if (columns.length === 0) throw new InputError(`${file}: the records of GET ${op.path} (${op.id}) have no scalar fields to make columns of (${leftOut.join(', ') || 'no fields declared'}): write this stream by hand`);
  const key = guessPrimaryKey(columns, op.path);
  for (const c of columns) if (key.key.includes(c.name)) c.nullable = false;
  const summary = typeof op.operation.summary === 'string' ? ` ${op.operation.summary.replace(/\s+/g, ' ')}.` : '';
  const description = [
    `GET ${op.path} (${op.id}).${summary} Scaffolded guesses to check:`,
    records.note,
    `Pagination: ${paging.reason}`,
    key.note,
    ...notes,
    leftOut.length ? `Left out: ${leftOut.join(', ')}.` : '',
  ].filter(Boolean).join(' ');
  const step = paging.pagination
    ? { kind: 'paginated' as const, name: 'list', request, records: records.expression, pagination: paging.pagination }
    : { kind: 'single' as const, name: 'list', request, records: records.expression };
  return { description, steps: [step], table: { name: table, primaryKey: key.key, columns } } as StreamConfig;
}
