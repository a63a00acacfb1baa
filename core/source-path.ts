/**
 * Recognises the plain paths of the config language (`response.data`, `record.stats.spend`,
 * `item["cost-usd"]`) so they can be read directly instead of going through the sandbox.
 * A path is what makes streaming possible: `response.data` can be picked out of a JSON
 * stream record by record, whereas an arbitrary expression needs the whole document.
 * Pure; safe for workflow code.
 */

export interface SourcePath {
  root: string;
  /** Property names after the root, in order. */
  keys: string[];
}

const SEGMENT = /^(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\[("(?:[^"\\]|\\.)*"|\d+)\])/;
const ROOT = /^([A-Za-z_$][A-Za-z0-9_$]*)/;

/** The path's root and keys, or undefined when `text` is not a plain path from one of `roots`. */
export function parsePath(text: string, roots: readonly string[]): SourcePath | undefined {
  const source = text.trim();
  const root = ROOT.exec(source);
  if (!root || !roots.includes(root[1])) return undefined;
  const keys: string[] = [];
  let rest = source.slice(root[1].length);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    keys.push(m[1] ?? (m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2]));
    rest = rest.slice(m[0].length);
  }
  return { root: root[1], keys };
}

/** Reads `keys` from `value`; undefined as soon as a step is missing. */
export function readPath(value: unknown, keys: readonly string[]): unknown {
  let v = value;
  for (const key of keys) {
    // Own properties only: `record.constructor` of a record without that field is
    // undefined, not Object.prototype's constructor function.
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
