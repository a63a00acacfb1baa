/**
 * Where the records are in a 200 response schema (the array of objects in it) and the typed
 * columns of one record, for `dif scaffold`. Nested objects are flattened into
 * `record.a.b` sources a few levels deep; arrays and free-form maps are left out with a note.
 */
import type { ColumnConfig, ColumnTypeName } from '../config-schema';
import { isObject, plainSchema, propertiesOf, typeOf, type Json } from './openapi';

/** Array fields that usually hold the records, preferred when a response has several arrays. */
const RECORD_FIELDS = ['data', 'items', 'results', 'records', 'elements', 'entries', 'values', 'rows'];
const MAX_DEPTH = 3;

export interface RecordsGuess {
  /** The `records` expression (`response.items`), `response` when the body is the array. */
  expression: string;
  /** The plain schema of one record. */
  item: Json;
  note: string;
}

const isObjectArray = (doc: Json, s: Json) => typeOf(s) === 'array' && typeOf(plainSchema(doc, s.items)) === 'object';

/** The records of a response: the body itself when it is an array of objects, else the array of objects found nearest the top. */
export function guessRecords(doc: Json, response: Json): RecordsGuess | undefined {
  if (isObjectArray(doc, response)) return { expression: 'response', item: plainSchema(doc, response.items), note: 'Records: the response body is the array of objects.' };
  let level: [string[], Json][] = [[[], response]];
  for (let depth = 0; depth < MAX_DEPTH && level.length; depth++) {
    const arrays: [string[], Json][] = [];
    const next: [string[], Json][] = [];
    for (const [at, schema] of level)
      for (const [name, s] of propertiesOf(doc, schema)) {
        if (isObjectArray(doc, s)) arrays.push([[...at, name], s]);
        else if (typeOf(s) === 'object') next.push([[...at, name], s]);
      }
    if (arrays.length) {
      const rank = (p: string[]) => { const i = RECORD_FIELDS.indexOf(p[p.length - 1]); return i < 0 ? RECORD_FIELDS.length : i; };
      arrays.sort((a, b) => rank(a[0]) - rank(b[0]));
      const [path, schema] = arrays[0];
      const others = arrays.slice(1).map(([p]) => p.join('.'));
      return {
        expression: accessor('response', path),
        item: plainSchema(doc, schema.items),
        note: `Records: ${accessor('response', path)}, the array of objects in the 200 response${others.length ? ` (other arrays: ${others.join(', ')})` : ''}.`,
      };
    }
    level = next;
  }
  return undefined;
}

/** `response.paging?.next`: a property path as a JavaScript expression, optional after the first step. */
export function accessor(root: string, path: string[]): string {
  return path.reduce((expr, name, i) => {
    const dot = i === 0 ? '.' : '?.';
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${expr}${dot}${name}` : `${expr}${i === 0 ? '' : '?.'}[${JSON.stringify(name)}]`;
  }, root);
}

/** A warehouse column name from a field path: snake case, letters, digits and underscores, starting with a letter. */
export function columnName(path: string[]): string {
  const snake = path
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[a-z]/.test(snake) ? snake : `f_${snake}`;
  return name.slice(0, 63);
}

/** The warehouse type of a JSON Schema leaf, or undefined when it is not a scalar. */
export function columnType(schema: Json): ColumnTypeName | undefined {
  const t = typeOf(schema);
  if (t === 'integer') return 'integer';
  if (t === 'number') return 'decimal';
  if (t === 'boolean') return 'boolean';
  if (t === 'string') return schema.format === 'date' ? 'date' : schema.format === 'date-time' ? 'timestamp' : 'string';
  // oneOf/anyOf of scalars, or no type at all: kept as text.
  if (t === undefined && (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf) || schema.enum !== undefined)) return 'string';
  return undefined;
}

export interface ColumnsGuess {
  columns: ColumnConfig[];
  /** Fields left out, with why. */
  leftOut: string[];
}

/** The columns of a record schema, nested objects flattened up to MAX_DEPTH levels. */
export function guessColumns(doc: Json, item: Json): ColumnsGuess {
  const columns: ColumnConfig[] = [];
  const leftOut: string[] = [];
  const names = new Set<string>();
  const walk = (schema: Json, path: string[], depth: number) => {
    for (const [field, s] of propertiesOf(doc, schema, depth)) {
      const at = [...path, field];
      const type = columnType(s);
      const t = typeOf(s);
      if (type) {
        const name = columnName(at);
        if (names.has(name)) {
          leftOut.push(`${at.join('.')} (its column name ${name} is taken)`);
          continue;
        }
        names.add(name);
        const column: ColumnConfig = { name, type };
        const plain = at.length === 1 && at[0] === name;
        if (!plain) column.source = accessor('record', at);
        if (typeof s.description === 'string') column.description = s.description.replace(/\s+/g, ' ').slice(0, 300);
        columns.push(column);
      } else if (t === 'object' && isObject(s.properties) && depth + 1 < MAX_DEPTH) walk(s, at, depth + 1);
      else leftOut.push(`${at.join('.')} (${t === 'array' ? 'an array' : t === 'object' ? 'an object without fixed fields or nested too deep' : 'no type'})`);
    }
  };
  walk(item, [], 0);
  return { columns, leftOut };
}

/** The primary key: `id`, else `<thing>_id` for the thing the path lists (campaigns → campaign_id), else any one `_id` column. */
export function guessPrimaryKey(columns: ColumnConfig[], apiPath: string): { key: string[]; note: string } {
  const names = columns.map((c) => c.name);
  if (names.includes('id')) return { key: ['id'], note: 'Primary key: id (a field named id).' };
  const last = apiPath.split('/').filter((s) => s && !s.startsWith('{')).pop() ?? '';
  const thing = columnName([last.replace(/ies$/, 'y').replace(/s$/, '')]);
  if (names.includes(`${thing}_id`)) return { key: [`${thing}_id`], note: `Primary key: ${thing}_id (the id of the ${last} the path lists).` };
  const ids = names.filter((n) => n.endsWith('_id'));
  if (ids.length === 1) return { key: ids, note: `Primary key: ${ids[0]} (the only field named <thing>_id).` };
  return {
    key: [names[0]],
    note: `Primary key: no field named id or <thing>_id${ids.length ? ` stands out (${ids.join(', ')})` : ''}; ${names[0]} is a placeholder: choose the real key.`,
  };
}
