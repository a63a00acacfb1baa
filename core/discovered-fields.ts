/**
 * Discovered fields: a vendor that lists an object's fields, custom ones included (HubSpot's
 * properties API, Salesforce's describe), has them become typed columns of the stream's
 * table, added on the run after they appear; a policy says what a field the table does not
 * have yet does. The grammar, the column names and types, and the policy; pure.
 */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, RequestSpec, shape } from './schema-parts';
import { parsePath } from './source-path';
import type { ColumnConfig, ColumnTypeName, TableConfig } from './config-schema';
import type { ConfigProblem } from './validate-paths';

const COLUMN_TYPES = ['string', 'integer', 'decimal', 'boolean', 'date', 'timestamp'] as const;

export const DiscoverFields = shape('DiscoverFields', 'Discovered fields', Type.Object(
  {
    request: doc(RequestSpec, 'The call that lists the object\'s fields, sent with the vendor\'s auth once per run, before the stream\'s first page.', { path: '/crm/v3/properties/contacts' }),
    fields: Expression('Expression over the answer `response` giving the list of field descriptions.', 'response.results'),
    name: doc(Type.String({ minLength: 1, maxLength: 200 }), 'Plain path from `field` to the field\'s name, as records carry it.', 'field.name'),
    type: doc(Type.String({ minLength: 1, maxLength: 200 }), 'Plain path from `field` to the vendor\'s type of the field.', 'field.type'),
    types: doc(
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Union(COLUMN_TYPES.map((t) => Type.Literal(t)))),
      'The vendor\'s field types and the column type each becomes. A type not listed becomes `string` (its text kept as is).',
      { string: 'string', number: 'decimal', date: 'date', datetime: 'timestamp', enumeration: 'string', bool: 'boolean' },
    ),
    where: Type.Optional(Expression('Expression over `field`: only fields for which it is true become columns (Salesforce: the custom ones).', 'field.custom === true')),
    values: doc(
      Type.String({ minLength: 1, maxLength: 200 }),
      'Plain path from `record` to the object holding each field\'s value under the field\'s name (HubSpot: `record.properties`; Salesforce: `record`).',
      'record.properties',
    ),
    policy: doc(
      Type.Union([Type.Literal('evolve'), Type.Literal('freeze'), Type.Literal('ignore')]),
      'A listed field the table does not have yet: `evolve` adds its column (ALTER TABLE … ADD COLUMN) and loads it; `freeze` fails the run naming it, before anything is fetched; `ignore` leaves it out (the run\'s log names it). The first run creates the table with every field listed.',
      'evolve',
    ),
  },
  {
    additionalProperties: false,
    description:
      'Columns from the vendor\'s list of fields. Each listed field becomes a column named after it (lower case; characters other than a-z, 0-9 and _ become _; a name starting with a digit gets `f_`; at most 63 characters) of the type `types` gives, read from `values`. The table\'s declared `columns` come first and win: a field whose column name is declared is theirs. Two fields with the same column name, or a name with no letter or digit, fail the run naming them. Requests can read the listed names as `discovered` (a `chunk`\'s `fieldsFrom`).',
  },
));

export type DiscoverFieldsConfig = Static<typeof DiscoverFields>;

/** A field the vendor listed, as its column. */
export interface DiscoveredColumn {
  /** The vendor's name of the field. */
  field: string;
  /** The column name: sanitized, quoted wherever it reaches SQL. */
  name: string;
  type: ColumnTypeName;
  vendorType: string;
}

/** Why the listed fields cannot become columns; the run fails with it. */
export class DiscoveredFieldError extends Error {}
/** New fields under the `freeze` policy. */
export class FrozenFieldsError extends DiscoveredFieldError {}

const MAX_IDENTIFIER = 63;

/** The column name of a field, or undefined when nothing of it is left. */
export function columnNameOf(field: string): string | undefined {
  let name = field.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (name === '') return undefined;
  if (/^[0-9]/.test(name)) name = `f_${name}`;
  return name.slice(0, MAX_IDENTIFIER).replace(/_+$/, '');
}

/**
 * The listed fields as columns, the declared columns left out (they are the config's).
 * `listed` is what `name` and `type` read from each field description.
 */
export function discoveredColumns(listed: readonly { field: unknown; vendorType: unknown }[], spec: Pick<DiscoverFieldsConfig, 'types'>, declared: readonly string[]): DiscoveredColumn[] {
  const taken = new Map<string, string>();
  const out: DiscoveredColumn[] = [];
  for (const { field, vendorType } of listed) {
    if (typeof field !== 'string' || field === '') throw new DiscoveredFieldError(`a listed field's name is ${JSON.stringify(field)?.slice(0, 100)}, not a text`);
    const name = columnNameOf(field);
    if (!name) throw new DiscoveredFieldError(`the field ${JSON.stringify(field.slice(0, 100))} has no letter or digit to name a column after`);
    if (declared.includes(name)) continue;
    const other = taken.get(name);
    if (other !== undefined) throw new DiscoveredFieldError(`the fields ${JSON.stringify(other)} and ${JSON.stringify(field.slice(0, 100))} would both be column "${name}"`);
    taken.set(name, field);
    const vendor = typeof vendorType === 'string' ? vendorType : String(vendorType);
    out.push({ field, name, type: Object.hasOwn(spec.types, vendor) ? spec.types[vendor] : 'string', vendorType: vendor });
  }
  return out;
}

/** The columns a run loads under the policy, given the table's columns (undefined: no table yet). */
export function underPolicy(columns: DiscoveredColumn[], existing: ReadonlySet<string> | undefined, policy: DiscoverFieldsConfig['policy']): { keep: DiscoveredColumn[]; dropped: DiscoveredColumn[] } {
  if (!existing) return { keep: columns, dropped: [] };
  const added = columns.filter((c) => !existing.has(c.name));
  if (added.length === 0 || policy === 'evolve') return { keep: columns, dropped: [] };
  const named = added.map((c) => `${JSON.stringify(c.field)} (column ${c.name}, ${c.type})`).join(', ');
  if (policy === 'freeze') throw new FrozenFieldsError(`new field${added.length > 1 ? 's' : ''} ${named} not in the table, and the policy is freeze: add ${added.length > 1 ? 'them' : 'it'} by switching to evolve for a run, or leave ${added.length > 1 ? 'them' : 'it'} out with ignore`);
  return { keep: columns.filter((c) => existing.has(c.name)), dropped: added };
}

/** The value path of a field: `values` and the field's name, read directly, never evaluated. */
export function fieldSource(values: string, field: string): string {
  const source = `${values}[${JSON.stringify(field)}]`;
  const parsed = parsePath(source, ['record']);
  // The name is data: it must come back as one key, or it is refused rather than ever evaluated.
  if (!parsed || parsed.keys[parsed.keys.length - 1] !== field) throw new DiscoveredFieldError(`the field ${JSON.stringify(field.slice(0, 100))} cannot be read as a plain path`);
  return source;
}

/** The table with the discovered columns after its declared ones. */
export function withDiscoveredColumns(table: TableConfig, values: string, columns: readonly DiscoveredColumn[]): TableConfig {
  const added: ColumnConfig[] = columns.map((c) => ({ name: c.name, type: c.type, source: fieldSource(values, c.field) }));
  return { ...table, columns: [...table.columns, ...added] };
}

/** Problems of a stream's `discover`, each at its path. */
export function discoverProblems(spec: DiscoverFieldsConfig, at: string, out: ConfigProblem[]): void {
  for (const [key, root] of [['name', 'field'], ['type', 'field'], ['values', 'record']] as const) {
    const parsed = parsePath(spec[key], [root]);
    if (!parsed || (key !== 'values' && parsed.keys.length === 0)) out.push({ path: `${at}.${key}`, message: `"${spec[key]}" is not a plain path from ${root} (${root}.name, ${root}["x-y"])` });
  }
  if (!spec.request.path && !spec.request.url) out.push({ path: `${at}.request`, message: 'needs a "path" (relative to baseUrl) or a "url"' });
}
