/**
 * The expression sandbox. Vendor configs are data, but their expressions are code that runs
 * inside our workers with customers' data next to it: the sandbox must not reach the host
 * (process, require, the file system), must not hang the worker, and must not leak changes
 * into the host's objects.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ExpressionError, ExpressionScope } from '../../../interpreter/expression';
import { runNode, transpileToTemp, type ChildResult } from '../helpers/child-node';

/** The ExpressionError `fn` throws; fails the test if it throws anything else or nothing. */
function expressionError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}

describe('ExpressionScope: evaluate', () => {
  test('sees the variables it was given', () => {
    const scope = new ExpressionScope({ inputs: { account_id: 'A-1' }, window: { from: '2026-11-01', to: '2026-11-07' } });
    expect(scope.evaluate('inputs.account_id', 'w')).toBe('A-1');
    expect(scope.evaluate('window.from + ".." + window.to', 'w')).toBe('2026-11-01..2026-11-07');
    expect(scope.evaluate('[1, 2, 3].map((x) => x * 2).join(",")', 'w')).toBe('2,4,6');
  });

  test('variables enter as JSON: functions vanish, dates become strings, undefined becomes null', () => {
    const scope = new ExpressionScope({ d: new Date(0), f: { g: () => 1 }, u: undefined });
    expect(scope.evaluate('d', 'w')).toBe('1970-01-01T00:00:00.000Z');
    expect(scope.evaluate('typeof f.g', 'w')).toBe('undefined');
    expect(scope.evaluate('u', 'w')).toBeNull();
  });

  test('the host copy of a variable is not changed by the expression', () => {
    const inputs = { n: 1 };
    const scope = new ExpressionScope({ inputs });
    scope.evaluate('inputs.n = 99', 'w');
    expect(inputs.n).toBe(1);
    expect(scope.evaluate('inputs.n', 'w')).toBe(99);
  });

  test('setJson defines a variable from JSON text', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', '{"data":[{"id":1},{"id":2}]}');
    expect(scope.evaluate('response.data.length', 'w')).toBe(2);
    // The helper variable used to carry the text in is removed afterwards.
    expect(scope.evaluate('typeof __json', 'w')).toBe('undefined');
  });

  test('a syntax error is an ExpressionError naming where and the expression', () => {
    const error = expressionError(() => new ExpressionScope({}).evaluate('1 +', '$.streams.s.steps[0].records'));
    expect(error.where).toBe('$.streams.s.steps[0].records');
    expect(error.expression).toBe('1 +');
    expect(error.message).toMatch(/^\$\.streams\.s\.steps\[0\]\.records: expression "1 \+" failed: /);
    expect(error.name).toBe('ExpressionError');
  });

  test('a runtime error is an ExpressionError with the cause message', () => {
    const error = expressionError(() => new ExpressionScope({ record: null }).evaluate('record.x', 'col spend'));
    expect(error.message).toBe(`col spend: expression "record.x" failed: Cannot read properties of null (reading 'x')`);
  });

  test('a thrown non-Error value is described too', () => {
    const error = expressionError(() => new ExpressionScope({}).evaluate('(() => { throw "boom" })()', 'w'));
    expect(error.message).toBe('w: expression "(() => { throw \\"boom\\" })()" failed: boom');
  });
});

describe('ExpressionScope: assign, render, mapRows', () => {
  test('assign keeps the result in the sandbox under a name', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', '{"data":[{"v":1},{"v":2}]}');
    scope.assign('records', 'response.data', 'w');
    expect(scope.evaluate('records.length', 'w')).toBe(2);
  });

  test('assign reports failures as ExpressionError', () => {
    const error = expressionError(() => new ExpressionScope({}).assign('records', 'response.data', 'steps[0].records'));
    expect(error.message).toBe('steps[0].records: expression "response.data" failed: response is not defined');
  });

  test('render fills templates; null/undefined render empty, objects as JSON', () => {
    const scope = new ExpressionScope({ inputs: { id: 7 }, window: { from: '2026-11-01' } });
    expect(scope.render('/v1/accounts/${inputs.id}/stats?from=${window.from}', 'w')).toBe('/v1/accounts/7/stats?from=2026-11-01');
    expect(scope.render('[${null}][${undefined}]', 'w')).toBe('[][]');
    expect(scope.render('${ {a: [1, 2]} }', 'w')).toBe('{"a":[1,2]}');
    expect(scope.render('no templates', 'w')).toBe('no templates');
  });

  test('render reports a bad template with its place', () => {
    expect(() => new ExpressionScope({}).render('/v1/${x', 'steps[0].request.path')).toThrow('steps[0].request.path: unclosed "${"');
    expect(() => new ExpressionScope({}).render('/v1/${missing}', 'steps[0].request.path')).toThrow(ExpressionError);
  });

  test('mapRows maps every record to one row of cells; objects become JSON', () => {
    const scope = new ExpressionScope({});
    scope.setJson('records', '[{"id":"a","n":2,"o":{"z":1}},{"id":"b","n":3,"o":null}]');
    expect(scope.mapRows('records', ['record.id', 'record.n * 10', 'record.o'], 'w')).toEqual([
      ['a', 20, '{"z":1}'],
      ['b', 30, null],
    ]);
  });

  test('mapRows of an empty list is no rows', () => {
    const scope = new ExpressionScope({ records: [] });
    expect(scope.mapRows('records', ['record.id'], 'w')).toEqual([]);
  });

  test('mapRows errors name the record (1-based) and the column (0-based index)', () => {
    const scope = new ExpressionScope({ records: [{ o: { z: 1 } }, { o: null }] });
    const error = expressionError(() => scope.mapRows('records', ['1', 'record.o.z'], 'file.json'));
    expect(error.message).toBe(
      `file.json: expression "1 | record.o.z" failed: record 2, column 1: Cannot read properties of null (reading 'z')`,
    );
  });

  test('mapRows refuses a variable that is not an array', () => {
    const scope = new ExpressionScope({ records: { not: 'a list' } });
    expect(() => scope.mapRows('records', ['record'], 'w')).toThrow('records expression did not give an array');
  });
});

describe('ExpressionScope: sandbox', () => {
  test.each(['process', 'require', 'module', 'setTimeout', 'setInterval', 'fetch', 'Buffer'])('%s is undefined', (name) => {
    expect(new ExpressionScope({}).evaluate(`typeof ${name}`, 'w')).toBe('undefined');
  });

  test('globalThis.process is undefined, and using process throws', () => {
    const scope = new ExpressionScope({});
    expect(scope.evaluate('globalThis.process', 'w')).toBeUndefined();
    expect(expressionError(() => scope.evaluate('process.env', 'where-p')).message).toContain('process is not defined');
    expect(expressionError(() => scope.evaluate('require("fs")', 'where-r')).message).toContain('require is not defined');
  });

  test('this.constructor.constructor cannot build code from a string', () => {
    const error = expressionError(() => new ExpressionScope({}).evaluate(`this.constructor.constructor('return process')()`, 'chain-this'));
    expect(error.message).toMatch(/^chain-this: /);
    expect(error.message).toContain('Code generation from strings disallowed');
  });

  test('a constructor chain from data (response) cannot build code either', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', '{"data":[1]}');
    for (const chain of [
      `response.constructor.constructor('return process')()`,
      `response.data.constructor.constructor('return process')()`,
      `response.data.map.constructor('return process')()`,
    ]) {
      const error = expressionError(() => scope.evaluate(chain, 'chain-response'));
      expect(error.message).toMatch(/^chain-response: /);
      expect(error.message).toContain('Code generation from strings disallowed');
    }
  });

  test('variables passed to the constructor are sandbox objects too (no host constructor chain)', () => {
    const scope = new ExpressionScope({ inputs: { id: 1 } });
    const error = expressionError(() => scope.evaluate(`inputs.constructor.constructor('return process')()`, 'chain-inputs'));
    expect(error.message).toContain('Code generation from strings disallowed');
  });

  test('eval and new Function are disabled', () => {
    const scope = new ExpressionScope({});
    expect(expressionError(() => scope.evaluate(`eval('1 + 1')`, 'w')).message).toContain('Code generation from strings disallowed');
    expect(expressionError(() => scope.evaluate(`new Function('return 1')()`, 'w')).message).toContain('Code generation from strings disallowed');
  });

  test('an infinite loop fails by timeout, and the scope and the process keep working', async () => {
    const scope = new ExpressionScope({ x: 1 }, { timeoutMs: 50 });
    const started = Date.now();
    const error = expressionError(() => scope.evaluate('(() => { while(true){} })()', 'loop-where'));
    expect(error.message).toMatch(/^loop-where: /);
    expect(error.message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
    // Same sandbox still evaluates, and the host's event loop still turns.
    expect(scope.evaluate('x + 1', 'w')).toBe(2);
    await expect(new Promise((resolve) => setTimeout(() => resolve('alive'), 10))).resolves.toBe('alive');
  });

  test('an infinite loop in assign and in mapRows also times out', () => {
    const scope = new ExpressionScope({ records: [1] }, { timeoutMs: 20 });
    expect(expressionError(() => scope.assign('y', '(() => { for(;;){} })()', 'w')).message).toContain('timed out');
    expect(expressionError(() => scope.mapRows('records', ['(() => { for(;;){} })()'], 'w')).message).toContain('timed out');
  });

  test('prototype pollution inside the sandbox does not reach the host', () => {
    const scope = new ExpressionScope({ inputs: {} });
    scope.setJson('response', '{"data":[]}');
    scope.evaluate('({}).__proto__.polluted = 1', 'w');
    scope.evaluate('Object.prototype.polluted2 = 1', 'w');
    scope.evaluate('response.__proto__.polluted3 = 1', 'w');
    scope.evaluate('inputs.__proto__.polluted4 = 1', 'w');
    scope.evaluate('Array.prototype.polluted5 = 1', 'w');
    expect(({} as any).polluted).toBeUndefined();
    expect(({} as any).polluted2).toBeUndefined();
    expect(({} as any).polluted3).toBeUndefined();
    expect(({} as any).polluted4).toBeUndefined();
    expect(([] as any).polluted5).toBeUndefined();
    // The pollution does stay in the sandbox, which is the sandbox's own business.
    expect(scope.evaluate('({}).polluted', 'w')).toBe(1);
  });

  test('a "__proto__" key in JSON data is a plain property, not a prototype change', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', '{"__proto__": {"polluted": 1}}');
    expect(scope.evaluate('({}).polluted', 'w')).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
  });

  test('two scopes do not share globals', () => {
    const a = new ExpressionScope({});
    const b = new ExpressionScope({});
    a.evaluate('globalThis.leak = 1', 'w');
    a.evaluate('Object.prototype.shared = 1', 'w');
    expect(b.evaluate('typeof leak', 'w')).toBe('undefined');
    expect(b.evaluate('({}).shared', 'w')).toBeUndefined();
  });
});

/**
 * Cases that, when they go wrong, hang or crash the whole process; each runs in a child
 * Node process (with the expression module transpiled to a temp folder) under a hard
 * time limit, so a hang fails the test instead of stalling the suite.
 */
describe('ExpressionScope: the host process survives hostile expressions', () => {
  let dir: string;
  beforeAll(() => {
    dir = transpileToTemp(['interpreter/expression', 'interpreter/template', 'interpreter/sandbox-thread']);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `body` (with `scope` defined) in a child; ok if it prints "alive" and exits 0 in time. */
  function inChild(body: string, timeoutMs?: number): ChildResult {
    const modulePath = path.join(dir, 'interpreter', 'expression.js');
    return runNode(`
      const { ExpressionScope } = require(${JSON.stringify(modulePath)});
      const scope = new ExpressionScope({}, { timeoutMs: 50 });
      try { ${body} } catch (e) { console.log('caught: ' + e.name); }
      setTimeout(() => { console.log('alive'); process.exit(0); }, 100);
    `, { timeoutMs });
  }

  // Memory is not capped per expression (that needs an isolate of its own), but the usual
  // ways to ask for a huge amount fail fast with a clear error instead of taking the worker.
  test.each([
    ['a huge string', "'x'.repeat(2 ** 30)"],
    ['a huge buffer', 'new ArrayBuffer(2 ** 40)'],
    ['an ever-growing array', '(() => { const a = []; for (;;) a.push({ x: a.length }); })()'],
  ])('%s fails with an ExpressionError and the worker lives on', (_label, expression) => {
    const r = inChild(`scope.evaluate(${JSON.stringify(expression)}, 'w');`);
    expect(r.stdout).toContain('caught: ExpressionError');
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });

  // A dense array of a billion elements is allocated before the time limit strikes: the
  // sandbox thread's own heap limit ends the thread, not the process.
  test('a huge dense array fails with an ExpressionError and the worker lives on', () => {
    const r = inChild(`scope.evaluate('new Array(1e9).fill(0)', 'w');`);
    expect(r.stdout).toContain('caught: ExpressionError');
    expect(r.stdout).toContain('alive');
  });

  test('after the sandbox thread ran out of memory, new scopes work and the old one says it was lost', () => {
    const r = inChild(`
      const big = new ExpressionScope({}, { timeoutMs: 5000 });
      try { big.evaluate('(() => { const a = []; for (;;) a.push(new Array(1e6).fill(1)); })()', 'w'); } catch (e) { console.log('first: ' + e.message); }
      try { big.evaluate('1 + 1', 'w'); } catch (e) { console.log('old: ' + e.message); }
      console.log('new: ' + new ExpressionScope({ x: 41 }).evaluate('x + 1', 'w'));
    `, 20_000);
    expect(r.stdout).toMatch(/first: .*exceeded the sandbox's memory/);
    expect(r.stdout).toMatch(/old: .*was lost/);
    expect(r.stdout).toContain('new: 42');
    expect(r.stdout).toContain('alive');
  });

  test('the harness itself: a plain timeout is caught and the child stays alive', () => {
    const r = inChild(`scope.evaluate('(() => { while(true){} })()', 'w');`);
    expect(r.stdout).toContain('caught: ExpressionError');
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });

  // Regression (was a bug): the context is created without `microtaskMode: 'afterEvaluate'`, so promise jobs
  // queued by an expression run on the host's microtask queue after runInContext returns,
  // outside the timeout: this expression hangs the worker forever.
  test('a loop inside a promise callback is stopped by the time limit', () => {
    const r = inChild(`scope.evaluate('Promise.resolve().then(() => { while(true){} })', 'w');`);
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });

  // Regression (was a bug): describe() reads `message` of whatever the expression threw in the host, outside the
  // timeout, so a getter on a thrown object runs unbounded sandbox code: the worker hangs.
  test('a thrown object with a looping "message" getter does not hang the host', () => {
    const r = inChild(`scope.evaluate('(() => { throw { get message() { while(true){} } } })()', 'w');`);
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });

  // Regression (was a bug): render() JSON.stringify's the sandbox object in the host, which calls its toJSON
  // outside the timeout (mapRows does this inside the sandbox and is safe).
  test('render of an object with a looping toJSON does not hang the host', () => {
    const r = inChild(`scope.render('a\${ ({ toJSON() { while(true){} } }) }', 'w');`);
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });

  // Regression (was a bug): import() in an expression returns a promise that rejects with
  // ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; nobody handles it, and Node 20's default
  // --unhandled-rejections=throw kills the worker process.
  test('import() in an expression does not crash the host with an unhandled rejection', () => {
    const r = inChild(`scope.evaluate("import('node:fs')", 'w');`);
    expect(r.stdout).toContain('alive');
    expect(r.status).toBe(0);
  });
});
