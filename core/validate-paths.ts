/** JSON paths as validation messages write them: `$.streams.a.steps[0]`, `$.headers["x-api-key"]`. */
import type { ConfigProblem } from './validate';
export type { ConfigProblem };

/** `path` followed by the property `name`: dotted when it is an identifier, bracketed and quoted otherwise. */
export function childPath(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/**
 * Problems in the order their places appear in the config (a stable sort), so a list of
 * problems found by several passes reads top to bottom like the file.
 */
export function inConfigOrder(config: unknown, problems: ConfigProblem[]): ConfigProblem[] {
  const order = new Map<string, number>();
  const stack: [string, unknown][] = [['$', config]];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    order.set(path, order.size);
    if (!value || typeof value !== 'object') continue;
    const children: [string, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [`${path}[${i}]`, v])
      : Object.entries(value).map(([k, v]) => [childPath(path, k), v]);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return problems
    .map((p, i) => ({ p, i, at: order.get(p.path) ?? 0 }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ p }) => p);
}
