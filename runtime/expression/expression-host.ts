/**
 * The host's own evaluator for the simplest expressions: member paths, arithmetic,
 * comparisons, `&&`/`||`/`??`, `?:`, template literals, and a few string and Math methods
 * (`record.stats.cost_micros / 1e6`, `record.day.slice(0, 10)`, `a ?? b`). Row mapping
 * evaluates such columns for every record; sending each record into the QuickJS sandbox
 * costs about ten times the arithmetic (`npm run bench -- expressions`).
 *
 * Why this is safe to run in the host although configs are untrusted: it is not
 * JavaScript run by V8 but a walk over a parsed tree whose every node kind is listed
 * below; anything else (functions, `new`, assignment, `this`, computed calls, regular
 * expressions, object literals, loops of any kind) makes the expression "not hostable"
 * and it goes to the sandbox as before. It only ever reads own data properties of plain
 * JSON values (never an inherited name such as `constructor` or `__proto__`), calls only
 * the listed built-in methods on primitive strings and numbers, and its cost is bounded by
 * the size of the tree: there is nothing to loop, recurse or allocate beyond the result.
 *
 * Why it gives the sandbox's answers: it answers only where JavaScript's rules leave no
 * room for two engines to differ (no string-to-number conversion, no non-ASCII case
 * mapping, no operator on an object) and where the JSON image the sandbox sees (`NaN`
 * becomes null, `undefined` elements become null, a Date becomes its ISO string) cannot
 * differ from the host's value. In every other case (including each case where JavaScript
 * throws) it gives up for that record with `NOT_HERE`, and the sandbox evaluates the record:
 * errors and their messages always come from the sandbox. A differential test
 * (test/unit/expression-host.test.ts) compares both on generated expressions and records.
 *
 * Pure (no I/O).
 */
import { parseExpressionAt, type Node } from 'acorn';

/** The variables one evaluation sees, by name. */
export type HostVariables = Record<string, unknown>;

/** A compiled expression: its value, or NOT_HERE when only the sandbox can answer exactly. */
export type HostExpression = (variables: HostVariables) => unknown;

/** A number as the engine's JSON answers carry it: NaN and infinities as null, -0 as 0. */
export function asJsonNumber(value: number): number | null {
  return Number.isFinite(value) ? value + 0 : null;
}

/** "Ask the sandbox": the value or operation is one the host does not answer exactly. */
export const NOT_HERE: unique symbol = Symbol('not answerable by the host');

/** Inside an optional chain (`a?.b.c`): the chain stopped early and is undefined. */
const SHORT: unique symbol = Symbol('optional chain stopped');

class GiveUp {}
const GIVE_UP = new GiveUp();

/** Math functions whose results JavaScript fixes exactly (no approximations such as sin or pow). */
const MATH = new Map<string, (...args: number[]) => number>([
  ['floor', Math.floor],
  ['ceil', Math.ceil],
  ['round', Math.round],
  ['trunc', Math.trunc],
  ['abs', Math.abs],
  ['sign', Math.sign],
  ['min', Math.min],
  ['max', Math.max],
]);

type ArgKind = 'number' | 'string';
/** String methods the host calls, with the kinds of argument each accepts, in order (all optional but the first of search methods). */
const STRING_METHODS = new Map<string, { args: ArgKind[]; required: number; asciiOnly?: true }>([
  ['slice', { args: ['number', 'number'], required: 0 }],
  ['substring', { args: ['number', 'number'], required: 0 }],
  ['startsWith', { args: ['string', 'number'], required: 1 }],
  ['endsWith', { args: ['string', 'number'], required: 1 }],
  ['includes', { args: ['string', 'number'], required: 1 }],
  ['indexOf', { args: ['string', 'number'], required: 1 }],
  // Case mapping and white space depend on the engine's Unicode tables: ASCII text only.
  ['toLowerCase', { args: [], required: 0, asciiOnly: true }],
  ['toUpperCase', { args: [], required: 0, asciiOnly: true }],
  ['trim', { args: [], required: 0, asciiOnly: true }],
]);

const ASCII = /^[\x00-\x7f]*$/;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

const compiledCache = new Map<string, HostExpression | null>();
const CACHE_LIMIT = 10_000;

/**
 * The expression compiled for the host, or undefined when it uses anything outside the
 * host's subset or a name not in `names` (`Math` is always known unless a variable hides
 * it). Callers have checked the syntax already (checkExpression).
 */
export function compileForHost(expression: string, names: readonly string[]): HostExpression | undefined {
  const cacheKey = `${names.join(',')}\n${expression}`;
  const known = compiledCache.get(cacheKey);
  if (known !== undefined) return known ?? undefined;
  let compiled: HostExpression | null = null;
  try {
    const node = parseExpressionAt(expression, 0, { ecmaVersion: 2022, sourceType: 'script' });
    if (expression.slice(node.end).trim() === '') {
      const evaluate = compile(node, new Set(names));
      compiled = (variables) => {
        try {
          return evaluate(variables);
        } catch (e) {
          if (e === GIVE_UP) return NOT_HERE;
          throw e;
        }
      };
    }
  } catch (e) {
    if (!(e instanceof NotHostable) && !(e instanceof SyntaxError)) throw e;
  }
  if (compiledCache.size >= CACHE_LIMIT) compiledCache.clear();
  compiledCache.set(cacheKey, compiled);
  return compiled ?? undefined;
}

class NotHostable extends Error {}

type Evaluator = (variables: HostVariables) => unknown;

function compile(node: Node, names: ReadonlySet<string>): Evaluator {
  const n = node as Node & Record<string, unknown>;
  switch (node.type) {
    case 'Literal':
      return literal(n);
    case 'Identifier': {
      const name = n.name as string;
      if (name === 'undefined' && !names.has(name)) return () => undefined;
      if (!names.has(name)) throw new NotHostable(name);
      return (variables) => plain(variables[name]);
    }
    case 'TemplateLiteral': {
      const quasis = (n.quasis as { value: { cooked: string | null } }[]).map((q) => q.value.cooked);
      if (quasis.some((q) => q === null)) throw new NotHostable('template');
      const parts = (n.expressions as Node[]).map((e) => compile(e, names));
      return (variables) => {
        let out = quasis[0]!;
        for (let i = 0; i < parts.length; i++) out += primitiveText(parts[i](variables)) + quasis[i + 1]!;
        return out;
      };
    }
    case 'ChainExpression': {
      const inner = compile(n.expression as Node, names);
      return (variables) => {
        const v = inner(variables);
        return v === SHORT ? undefined : v;
      };
    }
    case 'MemberExpression':
      return member(n, names);
    case 'CallExpression':
      return call(n, names);
    case 'UnaryExpression':
      return unary(n.operator as string, compile(n.argument as Node, names));
    case 'BinaryExpression':
      return binary(n.operator as string, compile(n.left as Node, names), compile(n.right as Node, names));
    case 'LogicalExpression': {
      const left = compile(n.left as Node, names);
      const right = compile(n.right as Node, names);
      switch (n.operator) {
        case '&&':
          return (variables) => {
            const v = left(variables);
            return v ? right(variables) : v;
          };
        case '||':
          return (variables) => {
            const v = left(variables);
            return v ? v : right(variables);
          };
        case '??':
          return (variables) => {
            const v = left(variables);
            return v === null || v === undefined ? right(variables) : v;
          };
      }
      throw new NotHostable(String(n.operator));
    }
    case 'ConditionalExpression': {
      const test = compile(n.test as Node, names);
      const consequent = compile(n.consequent as Node, names);
      const alternate = compile(n.alternate as Node, names);
      return (variables) => (test(variables) ? consequent(variables) : alternate(variables));
    }
    default:
      throw new NotHostable(node.type);
  }
}

function literal(n: Record<string, unknown>): Evaluator {
  if ('regex' in n || 'bigint' in n) throw new NotHostable('literal');
  const value = n.value;
  if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) throw new NotHostable('literal');
  return () => value;
}

/** `a.b`, `a["b"]`, `a[0]`, `a?.b`: own data properties of plain JSON values only. */
function member(n: Record<string, unknown>, names: ReadonlySet<string>): Evaluator {
  const object = compile(n.object as Node, names);
  const optional = n.optional === true;
  const readKey: Evaluator = n.computed ? compile(n.property as Node, names) : literalKey((n.property as { name: string }).name);
  return (variables) => {
    const from = object(variables);
    if (from === SHORT) return SHORT;
    if (optional && (from === null || from === undefined)) return SHORT;
    return property(from, propertyKey(readKey(variables)));
  };
}

function literalKey(name: string): Evaluator {
  return () => name;
}

function propertyKey(key: unknown): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return String(key);
  throw GIVE_UP;
}

function property(from: unknown, key: string): unknown {
  if (typeof from === 'string') {
    if (key === 'length') return from.length;
    if (ARRAY_INDEX.test(key)) return Number(key) < from.length ? from[Number(key)] : undefined;
    if (key in String.prototype) throw GIVE_UP;
    return undefined;
  }
  // Reading from undefined or null throws in JavaScript; numbers and booleans are rare here.
  if (from === null || typeof from !== 'object') throw GIVE_UP;
  const prototype = Array.isArray(from) ? Array.prototype : Object.prototype;
  if (Object.hasOwn(from, key)) {
    const value = (from as Record<string, unknown>)[key];
    // An own `undefined` is absent or null in the JSON the sandbox would see.
    if (value === undefined) throw GIVE_UP;
    return plain(value);
  }
  if (key in prototype) throw GIVE_UP;
  return undefined;
}

/** `Math.floor(x)` and the string methods of STRING_METHODS, on primitives only. */
function call(n: Record<string, unknown>, names: ReadonlySet<string>): Evaluator {
  const callee = n.callee as Node & Record<string, unknown>;
  if (callee.type !== 'MemberExpression' || callee.computed) throw new NotHostable('call');
  const method = (callee.property as { name: string }).name;
  const args = (n.arguments as Node[]).map((a) => {
    if (a.type === 'SpreadElement') throw new NotHostable('spread');
    return compile(a, names);
  });
  const receiver = callee.object as Node & Record<string, unknown>;
  if (receiver.type === 'Identifier' && receiver.name === 'Math' && !names.has('Math')) {
    const fn = MATH.get(method);
    if (!fn || n.optional || callee.optional) throw new NotHostable('Math');
    return (variables) => fn(...args.map((a) => numberArg(a(variables))));
  }
  const spec = STRING_METHODS.get(method);
  if (!spec || args.length > spec.args.length || args.length < spec.required) throw new NotHostable(method);
  const object = compile(receiver, names);
  const optionalReceiver = callee.optional === true;
  const fn = (String.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[method];
  return (variables) => {
    const from = object(variables);
    if (from === SHORT) return SHORT;
    if (optionalReceiver && (from === null || from === undefined)) return SHORT;
    if (typeof from !== 'string' || (spec.asciiOnly && !ASCII.test(from))) throw GIVE_UP;
    const values = args.map((a, i) => {
      const v = a(variables);
      if (typeof v !== spec.args[i] && v !== undefined) throw GIVE_UP;
      return v;
    });
    return fn.apply(from, values);
  };
}

function numberArg(value: unknown): number {
  if (typeof value !== 'number') throw GIVE_UP;
  return value;
}

function unary(operator: string, argument: Evaluator): Evaluator {
  switch (operator) {
    case '!':
      return (variables) => !argument(variables);
    case '-':
      return (variables) => -numberArg(argument(variables));
    case '+':
      return (variables) => numberArg(argument(variables));
    case 'typeof':
      return (variables) => typeof argument(variables);
  }
  throw new NotHostable(operator);
}

type Primitive = string | number | boolean | null | undefined;

function binary(operator: string, left: Evaluator, right: Evaluator): Evaluator {
  const numeric = (op: (a: number, b: number) => number): Evaluator => (variables) => op(numberArg(left(variables)), numberArg(right(variables)));
  switch (operator) {
    case '+':
      return (variables) => {
        const a = primitive(left(variables));
        const b = primitive(right(variables));
        if (typeof a === 'number' && typeof b === 'number') return a + b;
        // String concatenation: ToString of a primitive is the same in every engine.
        if (typeof a === 'string' || typeof b === 'string') return primitiveText(a) + primitiveText(b);
        throw GIVE_UP;
      };
    case '-':
      return numeric((a, b) => a - b);
    case '*':
      return numeric((a, b) => a * b);
    case '/':
      return numeric((a, b) => a / b);
    case '%':
      return numeric((a, b) => a % b);
    case '|':
      return numeric((a, b) => a | b);
    case '&':
      return numeric((a, b) => a & b);
    case '^':
      return numeric((a, b) => a ^ b);
    case '<<':
      return numeric((a, b) => a << b);
    case '>>':
      return numeric((a, b) => a >> b);
    case '>>>':
      return numeric((a, b) => a >>> b);
    case '===':
      return (variables) => strictEqual(left(variables), right(variables));
    case '!==':
      return (variables) => !strictEqual(left(variables), right(variables));
    case '==':
      return (variables) => looseEqual(left(variables), right(variables));
    case '!=':
      return (variables) => !looseEqual(left(variables), right(variables));
    case '<':
      return compare((a, b) => a < b, left, right);
    case '>':
      return compare((a, b) => a > b, left, right);
    case '<=':
      return compare((a, b) => a <= b, left, right);
    case '>=':
      return compare((a, b) => a >= b, left, right);
  }
  throw new NotHostable(operator);
}

/** Objects compare by identity, which a JSON copy in the sandbox would not keep. */
function strictEqual(left: unknown, right: unknown): boolean {
  return primitive(left) === primitive(right);
}

/** `==` between primitives of one type (or null and undefined): no string-to-number conversion. */
function looseEqual(left: unknown, right: unknown): boolean {
  const a = primitive(left);
  const b = primitive(right);
  const nullish = (v: Primitive) => v === null || v === undefined;
  if (nullish(a) || nullish(b)) return nullish(a) && nullish(b);
  if (typeof a !== typeof b) throw GIVE_UP;
  return a === b;
}

function compare(op: (a: string | number, b: string | number) => boolean, left: Evaluator, right: Evaluator): Evaluator {
  return (variables) => {
    const a = primitive(left(variables));
    const b = primitive(right(variables));
    if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return op(a, b);
    throw GIVE_UP;
  };
}

/** Operators on objects call their methods (toString, valueOf): the sandbox's. */
function primitive(value: unknown): Primitive {
  if (value !== null && (typeof value === 'object' || typeof value === 'symbol')) throw GIVE_UP;
  return value as Primitive;
}

function primitiveText(value: unknown): string {
  const v = primitive(value);
  return String(v);
}

/**
 * A value read from the variables, when the sandbox's JSON copy of it behaves the same:
 * strings, booleans, null, finite numbers other than -0, arrays and objects with the plain
 * prototypes (their contents are checked as they are read). Anything else (NaN, a Date, a
 * Buffer) makes the record the sandbox's. Values computed here need no such check.
 */
function plain(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      if (!Number.isFinite(value) || Object.is(value, -0)) throw GIVE_UP;
      return value;
    case 'object': {
      if (value === null) return value;
      const prototype = Object.getPrototypeOf(value);
      if (Array.isArray(value) ? prototype === Array.prototype : prototype === Object.prototype || prototype === null) return value;
      throw GIVE_UP;
    }
    default:
      throw GIVE_UP;
  }
}
