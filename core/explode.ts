/**
 * A table's `explode`: which nested value of a record becomes several rows, and the item each
 * row sees. Either a plain array (one row per element), or parallel arrays: an object of one
 * array per metric, indexed alike (`{"impressions":[1,2],"clicks":[3,4]}` → one row per index,
 * the item `{impressions: 1, clicks: 3}`), as X Ads delivers `id_data[].metrics` over the
 * days of a stats request. `indexAs` adds the element's 0-based index to each item. Pure.
 */
import type { TableConfig } from './config-schema';
import { parsePath, readPath } from './source-path';

export type ExplodeConfig = NonNullable<TableConfig['explode']>;

export interface ExplodePlan {
  keys: string[];
  parallel: boolean;
  indexAs?: string;
}

export function explodePlan(config: ExplodeConfig | undefined): ExplodePlan | undefined {
  if (config === undefined) return undefined;
  const { path, parallel = false, indexAs } = typeof config === 'string' ? { path: config } : config;
  const keys = parsePath(path, ['record'])?.keys;
  return keys ? { keys, parallel, indexAs } : undefined;
}

/** The items of one record: none when the value is missing or empty. */
export function explodeItems(record: unknown, plan: ExplodePlan): unknown[] {
  const value = readPath(record, plan.keys);
  if (!plan.parallel) {
    if (!Array.isArray(value)) return [];
    if (plan.indexAs === undefined) return value;
    const indexAs = plan.indexAs;
    // An element that is not an object has nowhere to hold its index: it becomes `value` beside it.
    return value.map((element, i) =>
      element !== null && typeof element === 'object' && !Array.isArray(element) ? { ...element, [indexAs]: i } : { value: element, [indexAs]: i },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const fields = Object.entries(value as Record<string, unknown>);
  const length = fields.reduce((n, [, v]) => (Array.isArray(v) ? Math.max(n, v.length) : n), 0);
  const items: Record<string, unknown>[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const item: Record<string, unknown> = {};
    // An array shorter than the others, or null (X: nothing happened that day), gives null; a scalar applies to every index.
    for (const [name, v] of fields) item[name] = Array.isArray(v) ? (v[i] ?? null) : v;
    if (plan.indexAs !== undefined) item[plan.indexAs] = i;
    items[i] = item;
  }
  return items;
}
