/**
 * Reading an OpenAPI 3 document for `dif scaffold`: the checks that it is one, `$ref`
 * resolution (local JSON pointers only) and `allOf` merging, so the guessers see plain schemas.
 */
import { InputError } from '../run-plan';

/** A JSON Schema / OpenAPI object as parsed: no more is assumed of it than that it is an object. */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses anything but an OpenAPI 3 document, naming what it is instead. */
export function checkOpenApi3(doc: unknown, file: string): Json {
  if (!isObject(doc)) throw new InputError(`${file}: not an OpenAPI document (expected a JSON or YAML object at the top)`);
  if (typeof doc.swagger === 'string')
    throw new InputError(`${file}: a Swagger ${doc.swagger} document; dif scaffold reads OpenAPI 3 only (convert it first, e.g. with swagger2openapi)`);
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.'))
    throw new InputError(`${file}: not an OpenAPI 3 document ($.openapi is ${JSON.stringify(doc.openapi ?? null)}, expected "3.x")`);
  if (!isObject(doc.paths)) throw new InputError(`${file}: $.paths is missing: the document describes no operations`);
  return doc;
}

/** The value a local `$ref` (`#/components/schemas/X`) points at; a pointer that names nothing is an InputError naming it. */
export function resolveRef(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new InputError(`$ref ${JSON.stringify(ref)} cannot be resolved: only local references (#/…) are read`);
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(at) && !Array.isArray(at)) at = undefined;
    else at = (at as Record<string, unknown>)[key];
    if (at === undefined) throw new InputError(`$ref ${JSON.stringify(ref)} cannot be resolved: nothing at that JSON pointer`);
  }
  return at;
}

/** Follows `$ref`s until a value that is not one (a cycle of bare refs is refused). */
export function deref(doc: Json, value: unknown): unknown {
  const seen = new Set<string>();
  while (isObject(value) && typeof value.$ref === 'string') {
    if (seen.has(value.$ref)) throw new InputError(`$ref ${JSON.stringify(value.$ref)} refers to itself`);
    seen.add(value.$ref);
    value = resolveRef(doc, value.$ref);
  }
  return value;
}

/**
 * A schema with its `$ref`s followed and its `allOf` parts merged into one object schema
 * (properties and required lists joined), one level deep: nested properties are merged when
 * they are read. `depth` stops recursive schemas.
 */
export function plainSchema(doc: Json, schema: unknown, depth = 0): Json {
  const s = deref(doc, schema);
  if (!isObject(s)) return {};
  if (depth > 20) return s;
  const variants = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (!Array.isArray(s.allOf) && variants && !isObject(s.properties)) {
    // One of several object shapes (a discriminated union of feed types): the columns are all their fields, none required.
    const parts = variants.map((v) => plainSchema(doc, v, depth + 1));
    if (!parts.every((p) => typeOf(p) === 'object')) return s;
    const properties: Json = {};
    for (const p of parts) for (const [k, v] of Object.entries(isObject(p.properties) ? p.properties : {})) if (!(k in properties)) properties[k] = v;
    const merged: Json = { ...s, type: 'object', properties };
    delete merged.oneOf;
    delete merged.anyOf;
    return merged;
  }
  if (!Array.isArray(s.allOf)) return s;
  const merged: Json = { ...s, properties: { ...(isObject(s.properties) ? s.properties : {}) } };
  delete merged.allOf;
  const required = new Set<string>(Array.isArray(s.required) ? (s.required as string[]) : []);
  for (const part of s.allOf) {
    const p = plainSchema(doc, part, depth + 1);
    if (isObject(p.properties)) Object.assign(merged.properties as Json, p.properties);
    if (Array.isArray(p.required)) for (const r of p.required) required.add(String(r));
    if (merged.type === undefined && p.type !== undefined) merged.type = p.type;
    if (merged.items === undefined && p.items !== undefined) merged.items = p.items;
  }
  if (required.size) merged.required = [...required];
  return merged;
}

/** The schema's JSON type, reading OpenAPI 3.1's `type: [x, "null"]` as x, and an object by its properties. */
export function typeOf(schema: Json): string | undefined {
  const t = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (typeof t === 'string') return t;
  if (isObject(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

/** Properties of a plain object schema, each made plain. */
export function propertiesOf(doc: Json, schema: Json, depth = 0): [string, Json][] {
  if (!isObject(schema.properties)) return [];
  return Object.entries(schema.properties).map(([name, s]) => [name, plainSchema(doc, s, depth)]);
}

/** An operation's parameters with `$ref`s followed, the path item's own first overridden by the operation's. */
export function parametersOf(doc: Json, pathItem: Json, operation: Json): Json[] {
  const byKey = new Map<string, Json>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const param = deref(doc, p);
      if (isObject(param) && typeof param.name === 'string') byKey.set(`${String(param.in)}:${param.name}`, param);
    }
  }
  return [...byKey.values()];
}

/** The JSON schema of an operation's 200 (or first 2xx) response, and its headers. */
export function okResponse(doc: Json, operation: Json): { schema: Json; headers: Json } | undefined {
  const responses = isObject(operation.responses) ? operation.responses : {};
  const code = ['200', '2XX', ...Object.keys(responses).filter((c) => /^2\d\d$/.test(c)).sort()].find((c) => responses[c] !== undefined);
  if (code === undefined) return undefined;
  const response = deref(doc, responses[code]);
  if (!isObject(response)) return undefined;
  const content = isObject(response.content) ? response.content : {};
  const type = Object.keys(content).find((t) => /json/i.test(t));
  const media = type ? deref(doc, content[type]) : undefined;
  const schema = isObject(media) ? plainSchema(doc, media.schema) : {};
  return { schema, headers: isObject(response.headers) ? response.headers : {} };
}

/** The GET operations of the document: path, the path item, the operation and its id. */
export function getOperations(doc: Json): { path: string; pathItem: Json; operation: Json; id: string }[] {
  const found = [];
  for (const [path, raw] of Object.entries(doc.paths as Json)) {
    const pathItem = deref(doc, raw);
    if (!isObject(pathItem) || !isObject(pathItem.get)) continue;
    const operation = pathItem.get;
    const id = typeof operation.operationId === 'string' ? operation.operationId : `GET ${path}`;
    found.push({ path, pathItem, operation, id });
  }
  return found;
}
