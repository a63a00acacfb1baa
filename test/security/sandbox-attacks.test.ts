/**
 * Attacks on the expression engine (runtime/expression/expression.ts), as a hostile config,
 * override or customer input would make them. For every attack:
 *  - it fails with an ExpressionError naming the config path, or gives a harmless value;
 *  - nothing of the host is reached: a canary in the host's environment and a secret held by
 *    another run's scope appear in no result and no message, and the host's global object
 *    and Object.prototype are unchanged;
 *  - another run's scope (on its own expression thread, as another activity's would be)
 *    still answers correctly afterwards, and the host's event loop still turns.
 * The attacks that must be stopped by force also run in a child process, which must exit 0.
 */
import path from 'node:path';
import { ExpressionScope, withExpressionThread } from '../../runtime/expression/expression';
import { ExpressionError } from '../../core/errors';
import { runNode } from '../unit/helpers/child-node';

const CANARY = `canary-${Math.random().toString(36).slice(2)}`;
const OTHER_SECRET = `sk_live_other_${Math.random().toString(36).slice(2)}`;
const WHERE = '$.streams.campaign_daily.table.columns[3].source';

type Outcome = { error: ExpressionError } | { value: unknown };

/** Each attack: what it tries, and the expression (or template, with `template: true`). */
const ATTACKS: { name: string; code: string; template?: boolean; hard?: boolean }[] = [
  // V8's stack-trace hook and call sites (the escape found on main).
  { name: 'prepareStackTrace with a rejected promise', code: `(Error.prepareStackTrace = (e, s) => s[0].getThis().constructor.constructor('return process')(), Promise.reject(new Error('x')), 1)` },
  { name: 'prepareStackTrace read synchronously', code: `(Error.prepareStackTrace = (e, s) => s, new Error('x').stack)` },
  { name: 'prepareStackTrace call site getFunction', code: `(Error.prepareStackTrace = (e, s) => s.map((c) => typeof c.getFunction), new Error().stack)` },
  { name: 'captureStackTrace', code: `(() => { const o = {}; Error.captureStackTrace(o); return o.stack; })()` },
  { name: 'stackTraceLimit', code: `(Error.stackTraceLimit = Infinity, new Error('x').stack)` },
  { name: 'async function that throws', code: `(async () => { throw new Error('x'); })()` },
  { name: 'throwing FinalizationRegistry callback', code: `(new FinalizationRegistry(() => { throw new Error('x'); }).register({}, 1), 1)` },
  { name: 'WeakRef deref', code: `new WeakRef({ a: 1 }).deref()` },
  { name: 'WebAssembly.compile rejected', code: `WebAssembly.compile(new Uint8Array([0, 1, 2]))` },
  // Constructor chains to a code generator, then to the host.
  { name: 'this.constructor.constructor', code: `this.constructor.constructor('return process')()` },
  { name: 'array constructor chain', code: `[].constructor.constructor('return process')()` },
  { name: 'string constructor chain', code: `''.constructor.constructor('return process')()` },
  { name: 'number constructor chain', code: `(1).constructor.constructor('return process')()` },
  { name: 'function constructor', code: `(() => 1).constructor('return process')()` },
  { name: 'async function constructor', code: `(async () => 1).constructor('return process')()` },
  { name: 'generator function constructor', code: `(function* () {}).constructor('return process')().next()` },
  { name: 'getPrototypeOf chain', code: `Object.getPrototypeOf(Object.getPrototypeOf(() => 1)).constructor.constructor('return process')()` },
  { name: 'Function returning globalThis', code: `Function('return this')().process` },
  { name: 'eval of process', code: `eval('process')` },
  { name: 'indirect eval', code: `(0, eval)('globalThis.process.env')` },
  { name: 'data constructor chain', code: `inputs.constructor.constructor('return process.env')()` },
  { name: '__proto__ chain', code: `inputs.__proto__.constructor.constructor('return require')()` },
  { name: 'arguments.callee.caller', code: `(function () { return arguments.callee.caller; })()` },
  { name: 'Function.caller', code: `(function f() { return f.caller; })()` },
  // Host names.
  { name: 'process', code: 'process.env' },
  { name: 'require', code: `require('child_process')` },
  { name: 'module', code: 'module.constructor._load' },
  { name: 'globalThis.process', code: 'globalThis.process.getBuiltinModule' },
  { name: 'Buffer', code: 'Buffer.from("x")' },
  { name: 'fetch', code: `fetch('http://169.254.169.254/')` },
  { name: 'setTimeout', code: 'setTimeout(() => 1, 0)' },
  { name: 'queueMicrotask', code: 'queueMicrotask(() => 1)' },
  { name: 'import()', code: `import('node:fs')` },
  { name: 'import.meta', code: 'import.meta' },
  { name: 'os module', code: `typeof os === 'undefined' ? 'none' : os.exec(['id'])` },
  { name: 'std module', code: `typeof std === 'undefined' ? 'none' : std.getenv('PATH')` },
  // Closing the wrapper around the text.
  { name: 'close the parentheses', code: 'x}); process; ({' },
  { name: 'two expressions', code: '1)) + ((2' },
  { name: 'statement after', code: 'inputs; process.exit(1)' },
  { name: 'block comment close', code: '1 /* */ ) ; process ; ( /* */' },
  { name: 'line comment', code: '1 // ) ; process' },
  { name: 'HTML-like comment', code: 'x <!-- ) ; process.exit(1) ; (' },
  { name: 'line separator', code: '1\u2028) ; process ; (\u2028 1' },
  { name: 'template closing', code: '/v1/${inputs.x}}); process; ({${1}', template: true },
  { name: 'template statement', code: 'a${1; process}b', template: true },
  { name: 'template nested backtick', code: '${`${process}`}', template: true },
  // Proxies, symbols and conversions the host might call.
  { name: 'Proxy as the result', code: `new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { while (true) {} } })`, hard: false },
  { name: 'toJSON that loops', code: `({ toJSON() { while (true) {} } })` },
  { name: 'toJSON that throws the canary', code: `({ toJSON() { throw new Error(typeof process); } })` },
  { name: 'Symbol.toPrimitive', code: `({ [Symbol.toPrimitive]() { return process; } }) + ''` },
  { name: 'Symbol.for inspect.custom', code: `({ [Symbol.for('nodejs.util.inspect.custom')]: () => process })` },
  { name: 'Symbol.hasInstance', code: `({} instanceof { [Symbol.hasInstance]: () => process })` },
  { name: 'Symbol.species', code: `(() => { class A extends Array { static get [Symbol.species]() { return process; } } return new A(1).map((x) => x); })()` },
  { name: 'getter on the thrown error message', code: `(() => { throw { get message() { while (true) {} } }; })()` },
  { name: 'thrown Proxy', code: `(() => { throw new Proxy({}, { get: () => process }); })()` },
  { name: 'result is a symbol', code: `Symbol('x')` },
  { name: 'result is a BigInt', code: `10n ** 20n` },
  { name: 'result is cyclic', code: `(() => { const a = {}; a.a = a; return a; })()` },
  // Shared memory, Wasm, workers.
  { name: 'SharedArrayBuffer', code: `new SharedArrayBuffer(8)` },
  { name: 'Atomics.wait', code: `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000)` },
  { name: 'Atomics on a plain buffer', code: `Atomics.wait(new Int32Array(4), 0, 0, 10000)` },
  { name: 'WebAssembly.Memory', code: `new WebAssembly.Memory({ initial: 65536 })` },
  { name: 'Worker', code: `new Worker('x')` },
  // Pollution.
  { name: 'Object.prototype pollution', code: `(Object.prototype.polluted = 'yes', ({}).polluted)` },
  { name: 'Array.prototype pollution', code: `(Array.prototype.map = () => process, [1].map((x) => x))` },
  { name: 'JSON.stringify replaced', code: `(JSON.stringify = () => '{"v":"forged"}', 1)` },
  { name: 'JSON.parse replaced', code: `(JSON.parse = () => process, 1)` },
  { name: 'globalThis prototype swap', code: `Object.setPrototypeOf(globalThis, null)` },
  // CPU.
  { name: 'infinite loop', code: '(() => { while (true) {} })()' },
  { name: 'infinite recursion', code: '(function f() { return f(); })()' },
  { name: 'ReDoS', code: `/(a+)+$/.test('a'.repeat(40) + 'b')` },
  { name: 'ReDoS alternation', code: `/^(a|a)*$/.test('a'.repeat(50) + 'b')` },
  { name: 'sort with a looping comparator', code: `[3, 2, 1].sort(() => { while (true) {} })` },
  { name: 'huge BigInt power', code: `(2n ** (10n ** 7n)).toString().length` },
  { name: 'loop in a promise callback', code: `Promise.resolve().then(() => { while (true) {} })` },
  // Memory.
  { name: 'huge dense array fill', code: `new Array(1e8).fill(1.5)`, hard: true },
  { name: 'huge string', code: `'x'.repeat(2 ** 30)` },
  { name: 'string over the memory limit', code: `'x'.repeat(2 ** 27)` },
  { name: 'doubling string', code: `(() => { let s = 'x'; for (;;) s += s; })()` },
  { name: 'huge ArrayBuffer', code: `new ArrayBuffer(2 ** 31)` },
  { name: 'many ArrayBuffers', code: `(() => { const a = []; for (;;) a.push(new ArrayBuffer(2 ** 24)); })()` },
  { name: 'huge typed array', code: `new Float64Array(2 ** 28)` },
  { name: 'ever-growing array', code: `(() => { const a = []; for (;;) a.push({ x: a.length }); })()` },
  { name: 'Array.from a huge length', code: `Array.from({ length: 1e9 }, (_, i) => i)` },
  { name: 'deeply nested JSON.parse', code: `JSON.parse('['.repeat(1e6) + ']'.repeat(1e6))` },
  { name: 'deeply nested JSON.stringify', code: `(() => { let o = {}; for (let i = 0; i < 1e6; i++) o = { o }; return JSON.stringify(o).length; })()` },
  { name: 'huge join of a sparse array', code: `new Array(2 ** 32 - 1).join('x').length`, hard: true },
];

let other: ExpressionScope;
let endOther: () => void;
let otherDone: Promise<unknown>;
const hostGlobals = new Set(Object.getOwnPropertyNames(globalThis));

beforeAll(async () => {
  process.env.DIF_SECURITY_CANARY = CANARY;
  // Another run's scope, on its own thread as another activity's would be, holding a secret.
  await new Promise<void>((ready) => {
    otherDone = withExpressionThread(async () => {
      other = new ExpressionScope({ secrets: { token: OTHER_SECRET } });
      other.evaluate('secrets.token.length', '$.auth.value');
      ready();
      await new Promise<void>((end) => (endOther = end));
    });
  });
});

afterAll(async () => {
  endOther();
  await otherDone;
});

function attempt(attack: (typeof ATTACKS)[number]): Outcome {
  const scope = new ExpressionScope({ inputs: { account_id: 'A-1' }, record: { a: 1 } }, { timeoutMs: 200, memoryMb: 64 });
  try {
    return { value: attack.template ? scope.render(attack.code, WHERE, 'path') : scope.evaluate(attack.code, WHERE) };
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    return { error: e };
  } finally {
    scope.dispose();
  }
}

describe('sandbox attacks: no escape, the host and other runs untouched', () => {
  test('the list has more than 60 attacks beyond those of the review', () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(80);
  });

  test.each(ATTACKS.map((a) => [a.name, a] as const))('%s', async (_name, attack) => {
    const outcome = await withExpressionThread(async () => attempt(attack));
    // What came back from the engine: an error's reason (after the echo of the attack's own
    // text) or the value.
    const shown = 'error' in outcome ? outcome.error.message.slice(outcome.error.message.indexOf(' failed: ')) : JSON.stringify(outcome.value) ?? '';
    // No host value came back: no canary, no other run's secret, no sign of a host object.
    expect(shown).not.toContain(CANARY);
    expect(shown).not.toContain(OTHER_SECRET);
    expect(shown).not.toMatch(/node:internal|PATH=|\/usr\/bin|\[native code\][\s\S]*process/);
    if ('error' in outcome) {
      expect(outcome.error.name).toBe('ExpressionError');
      expect(outcome.error.message.startsWith(`${WHERE}: `)).toBe(true);
    } else {
      // A harmless value: JSON data made inside the engine (never a function or host object).
      expect(['string', 'number', 'boolean', 'object', 'undefined']).toContain(typeof outcome.value);
    }
    // The host's own globals and prototypes are as they were.
    expect(Object.getOwnPropertyNames(globalThis).filter((n) => !hostGlobals.has(n))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([1].map((x) => x + 1)).toEqual([2]);
    // Another run's scope still works, and this process's event loop still turns.
    expect(other.evaluate('secrets.token.length', '$.auth.value')).toBe(OTHER_SECRET.length);
    await expect(new Promise((resolve) => setImmediate(() => resolve('turning')))).resolves.toBe('turning');
  });

  test('what each kind of attack gets: refused before running, stopped by a limit, or a harmless value', async () => {
    const byName = async (name: string) => withExpressionThread(async () => attempt(ATTACKS.find((a) => a.name === name)!));
    const message = async (name: string) => {
      const o = await byName(name);
      return 'error' in o ? o.error.message : `value ${JSON.stringify(o.value)}`;
    };
    expect(await message('close the parentheses')).toContain('unexpected text after the expression');
    expect(await message('two expressions')).toContain('unexpected text after the expression');
    expect(await message('statement after')).toContain('unexpected text after the expression');
    expect(await message('HTML-like comment')).toContain('comments are not allowed');
    expect(await message('import()')).toContain('import is not allowed');
    expect(await message('process')).toContain(`'process' is not defined`);
    expect(await message('this.constructor.constructor')).toContain(`'process' is not defined`);
    expect(await message('infinite loop')).toContain('exceeded its time limit (200 ms)');
    expect(await message('string over the memory limit')).toContain('exceeded its memory limit (64 MB)');
    expect(await message('huge dense array fill')).toMatch(/exceeded its (time limit \(200 ms\) and was stopped by force|memory limit)/);
    expect(await message('prepareStackTrace with a rejected promise')).toBe('value 1');
    expect(await message('Object.prototype pollution')).toBe('value "yes"');
  });
});

describe('attacks that end in a hard stop, in a child process', () => {
  const dist = path.join(__dirname, '..', '..', 'dist', 'runtime', 'expression', 'expression.js');

  test.each(ATTACKS.filter((a) => a.hard).map((a) => [a.name, a.code] as const))('%s: the process lives on and exits 0', (_name, code) => {
    const r = runNode(
      `
      const { ExpressionScope, withExpressionThread } = require(${JSON.stringify(dist)});
      withExpressionThread(async () => {
        const scope = new ExpressionScope({}, { timeoutMs: 200, memoryMb: 64 });
        try { scope.evaluate(${JSON.stringify(code)}, 'w'); console.log('no error'); } catch (e) { console.log('caught ' + e.name + ': ' + e.message); }
      }).then(() => withExpressionThread(async () => console.log('after: ' + new ExpressionScope({ x: 41 }).evaluate('x + 1', 'w'))))
        .then(() => setTimeout(() => { console.log('alive'); process.exit(0); }, 50));
    `,
      { timeoutMs: 20_000 },
    );
    expect(r.stdout).toMatch(/caught ExpressionError: w: expression .* failed: exceeded its/);
    expect(r.stdout).toContain('after: 42');
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });
});
