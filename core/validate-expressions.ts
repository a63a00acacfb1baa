/**
 * Every expression and template of a config, parsed at validation (DESIGN invariant 9).
 *
 * Which fields hold code is written once, in the grammar: config-schema.ts marks each
 * string field with a CodeRole (`expression`, `template`, `url-template`,
 * `template-leaves`). This walks the config beside its schema, so a field added to the
 * grammar with `Expression(…)` or `Template(…)` is checked without touching this file, and
 * no field (auth values, login requests, token URLs, headers…) is left unparsed.
 *
 * Each expression (alone, or inside a template) must be exactly one JavaScript
 * expression (expression-syntax.ts), and its static references must exist:
 * `inputs.x` a declared input, `secrets.x` a credential the auth block lists (and only in
 * auth fields, the only place secrets are visible), `window.x` one of from/to/start/end.
 *
 * `$raw{…}` (a value inserted without URL encoding) is allowed only in `url-template`
 * fields (a request's `url`, `auth.tokenUrl`: a whole URL such as a next-page link taken
 * from a response, which encoding would break); every use there is returned as a warning
 * that `dif validate` prints. Anywhere else it is an error: in a path, a query value or a
 * header, an unencoded customer input can reach another endpoint (issue 12, item 5).
 *
 * `$auth{…}` (a place the signer fills with its token or a credential) is allowed only in
 * `xml-template` fields (a request's `xml` body), and must name what the auth block has: a
 * token its kind obtains, or a credential it lists.
 */
import { parseExpressionAt, type Node } from 'acorn';
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CodeRole, VendorConfig, type CodeRoleName, type VendorConfigDocument } from './config-schema';
import { checkExpression, checkTemplate, ExpressionSyntaxError } from './expression-syntax';
import { childPath, type ConfigProblem } from './validate-paths';
import { authIssuesToken, authSecretNames } from '../auth/grammar-registry';
import { STATE_FIELDS } from './incremental';
import { typedLeafExpression, typedLeafProblem, VALUE_KEY } from './body-values';

/** Deepest a JSON request body may nest: deeper bodies are a mistake, and would strain every recursive reader after us. */
export const MAX_BODY_DEPTH = 32;

const WINDOW_FIELDS = ['from', 'to', 'start', 'end'];

interface Context {
  inputs: Set<string>;
  secrets: Set<string>;
  /** The auth block's kind, when its signer holds a token `$auth{token}` can place. */
  tokenKind?: string;
  authKind?: string;
  /** Streams with an `incremental` block: the only places `state` exists. */
  incremental: Set<string>;
  /** Streams with a `discover` block: their steps are the only places `discovered` exists. */
  discovering: Set<string>;
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

/** Checks every code field of a config that passed the schema; problems and `$raw` warnings carry their JSON paths. */
export function expressionProblems(config: VendorConfigDocument, errors: ConfigProblem[], warnings: ConfigProblem[]): void {
  const ctx: Context = {
    inputs: new Set(config.inputs.map((i) => i.name)),
    secrets: new Set(authSecretNames(config.auth)),
    tokenKind: config.auth && authIssuesToken(config.auth) ? config.auth.kind : undefined,
    authKind: config.auth?.kind,
    incremental: new Set(Object.entries(config.streams).filter(([, s]) => s.incremental).map(([name]) => name)),
    discovering: new Set(Object.entries(config.streams).filter(([, s]) => s.discover).map(([name]) => name)),
    errors,
    warnings,
  };
  walk(VendorConfig, config, '$', ctx);
}

function walk(schema: TSchema, value: unknown, path: string, ctx: Context): void {
  const role = (schema as unknown as Record<symbol, unknown>)[CodeRole] as CodeRoleName | undefined;
  if (role === 'template-leaves') return leaves(value, path, ctx, 0);
  if (role && typeof value === 'string') return checkField(role, value, path, ctx);
  switch (schema[Kind]) {
    case 'Union': {
      const member = memberFor(schema.anyOf as TSchema[], value);
      if (member) walk(member, value, path, ctx);
      return;
    }
    case 'Object': {
      if (!isObject(value)) return;
      for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
        if (Object.hasOwn(value, name)) walk(property, value[name], childPath(path, name), ctx);
      }
      return;
    }
    case 'Array':
      if (Array.isArray(value)) value.forEach((item, i) => walk(schema.items as TSchema, item, `${path}[${i}]`, ctx));
      return;
    case 'Record': {
      if (!isObject(value)) return;
      const valueSchema = Object.values(schema.patternProperties as Record<string, TSchema>)[0];
      for (const [name, v] of Object.entries(value)) walk(valueSchema, v, childPath(path, name), ctx);
      return;
    }
  }
}

/** The union member a value is: by its `kind` when members have one, else the first it satisfies. */
function memberFor(members: TSchema[], value: unknown): TSchema | undefined {
  if (isObject(value) && members.every((m) => typeof m.properties?.kind?.const === 'string')) {
    return members.find((m) => m.properties.kind.const === value.kind);
  }
  return members.find((m) => Value.Check(m, value));
}

/** A JSON body: string leaves are templates, `{"$value": …}` leaves expressions; nesting is bounded. */
function leaves(value: unknown, path: string, ctx: Context, depth: number): void {
  if (typeof value === 'string') return checkField('template', value, path, ctx);
  if (value === null || typeof value !== 'object') return;
  const typedProblem = typedLeafProblem(value);
  if (typedProblem) return void ctx.errors.push({ path, message: typedProblem });
  const typed = typedLeafExpression(value);
  if (typed !== undefined) return checkField('expression', typed, childPath(path, VALUE_KEY), ctx);
  if (depth >= MAX_BODY_DEPTH) {
    ctx.errors.push({ path, message: `nested more than ${MAX_BODY_DEPTH} levels deep` });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, ctx, depth + 1));
  else for (const [k, v] of Object.entries(value)) leaves(v, childPath(path, k), ctx, depth + 1);
}

function checkField(role: CodeRoleName, text: string, path: string, ctx: Context): void {
  try {
    if (role === 'expression') {
      checkExpression(text, path);
      references(text, path, ctx);
      return;
    }
    for (const part of checkTemplate(text, path)) {
      if ('auth' in part) authPlace(role, part, path, ctx);
      if (!('expression' in part)) continue;
      references(part.expression, path, ctx);
      if (!part.raw) continue;
      const use = `$raw{${part.expression}} (column ${part.column}) inserts its value without URL encoding`;
      if (role === 'xml-template') ctx.errors.push({ path, message: `${use}; an XML body escapes every value: use \${…}` });
      else if (role === 'url-template') ctx.warnings.push({ path, message: `${use}; make sure it is a whole URL the vendor sent` });
      else ctx.errors.push({ path, message: `${use}; $raw{} is allowed only in fields that take a whole URL (a request's "url", "tokenUrl"): use \${…} here` });
    }
  } catch (e) {
    if (!(e instanceof ExpressionSyntaxError)) throw e;
    ctx.errors.push({ path, message: e.message.startsWith(`${path}: `) ? e.message.slice(path.length + 2) : e.message });
  }
}

/** An `$auth{…}` place: only in an XML body, naming a token the auth kind has or a credential it lists. */
function authPlace(role: CodeRoleName, part: { auth: string; column: number }, path: string, ctx: Context): void {
  const use = `$auth{${part.auth}} (column ${part.column})`;
  if (role !== 'xml-template') {
    ctx.errors.push({ path, message: `${use}: the signer fills places only in a request's "xml" body` });
  } else if (part.auth === 'token' && !ctx.tokenKind) {
    ctx.errors.push({ path, message: `${use}: auth kind ${JSON.stringify(ctx.authKind ?? 'none')} obtains no token (oauth2, googleServiceAccount, jwtClientSecret and login do)` });
  } else if (part.auth.startsWith('secrets.') && !ctx.secrets.has(part.auth.slice('secrets.'.length))) {
    ctx.errors.push({ path, message: `${use}: ${part.auth.slice('secrets.'.length)} is not a credential this auth lists; listed: ${[...ctx.secrets].join(', ') || '(none)'}` });
  }
}

/** `inputs.x`, `secrets.x`, `window.x` and `state.x` in an expression (already known to parse) must name something that exists. */
function references(expression: string, path: string, ctx: Context): void {
  if (!/\b(inputs|secrets|window|state|discovered)\b/.test(expression)) return;
  const root = parseExpressionAt(expression, 0, { ecmaVersion: 2022 });
  // A function parameter or variable of the same name hides the run's variable: skip that name.
  const shadowed = new Set<string>();
  const accesses: { object: string; property: string }[] = [];
  // Identifiers that are names of fields (`record.discovered`, `{ discovered: 1 }`), not variables.
  const fieldNames = new Set<Node>();
  const identifiers: Node[] = [];
  visit(root, (node) => {
    if (node.type === 'Identifier') identifiers.push(node);
    if (node.type === 'MemberExpression' && !(node as unknown as { computed: boolean }).computed) fieldNames.add((node as unknown as { property: Node }).property);
    if (node.type === 'Property' && !(node as unknown as { computed: boolean }).computed) fieldNames.add((node as unknown as { key: Node }).key);
    if ((node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression') && 'params' in node) {
      for (const p of node.params as Node[]) visit(p, (n) => n.type === 'Identifier' && shadowed.add((n as unknown as { name: string }).name));
    }
    if (node.type === 'VariableDeclarator') visit((node as unknown as { id: Node }).id, (n) => n.type === 'Identifier' && shadowed.add((n as unknown as { name: string }).name));
    if (node.type === 'MemberExpression') {
      const m = node as unknown as { object: { type: string; name?: string }; property: { type: string; name?: string; value?: unknown }; computed: boolean };
      if (m.object.type !== 'Identifier') return;
      const property = !m.computed && m.property.type === 'Identifier' ? m.property.name : m.computed && m.property.type === 'Literal' && typeof m.property.value === 'string' ? m.property.value : undefined;
      if (property !== undefined) accesses.push({ object: m.object.name!, property });
    }
  });
  if (!shadowed.has('discovered') && identifiers.some((n) => !fieldNames.has(n) && (n as unknown as { name: string }).name === 'discovered')) {
    const stream = /^\$\.streams\.([a-z][a-z0-9_]*)\.steps\[/.exec(path)?.[1];
    if (!stream || !ctx.discovering.has(stream)) ctx.errors.push({ path, message: '`discovered` (the field names a `discover` block listed) exists only in the steps of a stream with a `discover` block' });
  }
  const inAuth = path === '$.auth' || path.startsWith('$.auth.') || path.startsWith('$.auth[');
  for (const { object, property } of accesses) {
    if (shadowed.has(object)) continue;
    if (object === 'inputs' && !ctx.inputs.has(property)) {
      ctx.errors.push({ path, message: `inputs.${property} is not a declared input (it would be empty); declared: ${[...ctx.inputs].join(', ') || '(none)'}` });
    } else if (object === 'secrets' && !inAuth) {
      ctx.errors.push({ path, message: `secrets.${property}: credentials are visible only in the auth block's fields` });
    } else if (object === 'secrets' && !ctx.secrets.has(property)) {
      ctx.errors.push({ path, message: `secrets.${property} is not a credential this auth lists; listed: ${[...ctx.secrets].join(', ') || '(none)'}` });
    } else if (object === 'window' && !WINDOW_FIELDS.includes(property)) {
      ctx.errors.push({ path, message: `window.${property} does not exist; window has ${WINDOW_FIELDS.join(', ')}` });
    } else if (object === 'state') {
      const stream = /^\$\.streams\.([a-z][a-z0-9_]*)[.[]/.exec(path)?.[1];
      if (!stream || !ctx.incremental.has(stream) || path.startsWith(`$.streams.${stream}.incremental`)) {
        ctx.errors.push({ path, message: `state.${property}: \`state\` exists only in the steps and columns of a stream with an \`incremental\` block (not in its \`start\`)` });
      } else if (!(STATE_FIELDS as readonly string[]).includes(property)) {
        ctx.errors.push({ path, message: `state.${property} does not exist; state has ${STATE_FIELDS.join(', ')}` });
      }
    }
  }
}

/** Calls `fn` on every node of an ESTree tree (acorn's nodes: objects with a string `type`). */
function visit(node: Node, fn: (node: Node) => unknown): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    fn(n);
    for (const value of Object.values(n)) {
      if (Array.isArray(value)) for (const v of value) if (isNode(v)) stack.push(v);
      if (isNode(value)) stack.push(value);
    }
  }
}

const isNode = (v: unknown): v is Node => !!v && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string';
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
