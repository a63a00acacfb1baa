/**
 * Writes core/vendor-config.schema.json from the TypeBox grammar (npm run schema).
 *
 * The grammar is written for validation; the published file is written for editors:
 * - every shared shape (a request, a secret reference, a step kind…) appears once under
 *   `$defs` and is used through `$ref`, each use keeping its own description beside the
 *   `$ref` (draft 2020-12 allows that; draft-07 ignored it);
 * - a union whose members each fix `kind` becomes `oneOf` with a `discriminator`, so an
 *   editor offers the fields of the kind written;
 * - a union of string constants becomes an `enum`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { DefName, VendorConfig, sharedShapes } from '../core/config-schema';
import { projectRoot } from '../adapters/settings';

export const schemaFile = path.join(projectRoot(), 'core', 'vendor-config.schema.json');
export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type Json = Record<string, unknown>;

/** Keywords a use of a shared shape may say differently from the shape itself. */
const PER_USE = ['description', 'examples', 'title'] as const;

export function schemaDocument(): Json {
  const defs: Record<string, Json> = {};
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const name = (node as Record<symbol, unknown>)[DefName] as string | undefined;
    if (name === undefined) return body(node as TSchema);
    const canonical = sharedShapes.get(name)!;
    if (!(name in defs)) {
      defs[name] = {}; // taken before descending: a shape may (one day) contain itself
      defs[name] = body(canonical);
    }
    const use: Json = { $ref: `#/$defs/${name}` };
    for (const key of PER_USE) {
      const value = (node as Json)[key];
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify((canonical as Json)[key])) use[key] = value;
    }
    return use;
  };
  const body = (schema: TSchema): Json => {
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) out[key] = key === 'anyOf' ? value : convert(value);
    if (Array.isArray(schema.anyOf)) {
      const members = schema.anyOf as TSchema[];
      const constants = members.map((m) => m.const);
      if (constants.every((c) => typeof c === 'string') && members.every((m) => Object.keys(m).every((k) => k === 'const' || k === 'type'))) {
        delete out.anyOf;
        Object.assign(out, { type: 'string', enum: constants });
      } else if (members.every((m) => typeof m.properties?.kind?.const === 'string')) {
        delete out.anyOf;
        Object.assign(out, { type: 'object', oneOf: members.map(convert), discriminator: { propertyName: 'kind' } });
      } else {
        out.anyOf = members.map(convert);
      }
    }
    return out;
  };
  const root = body(VendorConfig);
  return { $schema: SCHEMA_DIALECT, ...root, $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))) };
}

export function schemaText(): string {
  return JSON.stringify(schemaDocument(), null, 2) + '\n';
}

if (require.main === module) {
  fs.writeFileSync(schemaFile, schemaText());
  console.log(`wrote ${schemaFile}`);
}
