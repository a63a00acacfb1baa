/**
 * Dotted paths with [n] indexes (`streams.orders.steps[0].poll.intervalSeconds`) into JSON
 * values: what contract tables name to change a config copy or a fixture answer. TEST CODE ONLY.
 */
type Node = Record<string, unknown>;

const keysOf = (dotted: string) => dotted.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');

/** Walks `keys` from the root; an error names the whole dotted path and the key that led nowhere. */
function walk(root: unknown, keys: string[], dotted: string, what: string): unknown {
  let node = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !(key in node)) throw new Error(`${what}: ${dotted}: nothing at ${key}`);
    node = (node as Node)[key];
  }
  return node;
}

/** The value at a dotted path; `what` names the thing in the error when the path leads nowhere. */
export function getAt(root: unknown, dotted: string, what: string): unknown {
  return walk(root, keysOf(dotted), dotted, what);
}

/**
 * Puts a value at a dotted path. Its parent must exist; the last key must exist too unless
 * `create` (a stream copied under a new name).
 */
export function setAt(root: unknown, dotted: string, value: unknown, what: string, create = false): void {
  const keys = keysOf(dotted);
  const parent = walk(root, keys.slice(0, -1), dotted, what);
  const last = keys.at(-1)!;
  if (typeof parent !== 'object' || parent === null) throw new Error(`${what}: ${dotted}: nothing at ${keys.at(-2) ?? last}`);
  if (!create && !(last in parent)) throw new Error(`${what}: ${dotted}: there is no such field to change`);
  (parent as Node)[last] = value;
}

/** Takes out what a dotted path names: an array item (the later ones move up) or a field. */
export function removeAt(root: unknown, dotted: string, what: string): void {
  const keys = keysOf(dotted);
  const parent = walk(root, keys.slice(0, -1), dotted, what);
  const last = keys.at(-1)!;
  if (typeof parent !== 'object' || parent === null || !(last in parent)) throw new Error(`${what}: ${dotted}: nothing at ${last}`);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Node)[last];
}
