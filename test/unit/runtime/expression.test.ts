/**
 * The expression sandbox. Vendor configs are data, but their expressions are code that runs
 * inside our workers with customers' data next to it: the sandbox must not reach the host
 * (process, require, the file system), must not hang the worker, and must not leak changes
 * into the host's objects.
 */
import { expressionEngineCalls, ExpressionScope, usingScope, withExpressionThread } from '../../../runtime/expression/expression';
import { ExpressionError } from '../../../core/errors';

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
    expect(scope.evaluate('response.data.map((d) => d.id).join()', 'w')).toBe('1,2');
  });

  test('a syntax error is an ExpressionError naming where and the expression', () => {
    const error = expressionError(() => new ExpressionScope({}).evaluate('1 +', '$.streams.s.steps[0].records'));
    expect(error.where).toBe('$.streams.s.steps[0].records');
    expect(error.expression).toBe('1 +');
    expect(error.message).toBe('$.streams.s.steps[0].records: expression "1 +" failed: not a JavaScript expression: Unexpected token at column 4');
    expect(error.name).toBe('ExpressionError');
  });

  test('a runtime error is an ExpressionError with the cause message', () => {
    const error = expressionError(() => new ExpressionScope({ record: null }).evaluate('record.x', 'col spend'));
    expect(error.message).toBe(`col spend: expression "record.x" failed: cannot read property 'x' of null`);
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
    expect(error.message).toBe(`steps[0].records: expression "response.data" failed: 'response' is not defined`);
  });

  test('render fills templates; null/undefined render empty, objects as JSON', () => {
    const scope = new ExpressionScope({ inputs: { id: 7 }, window: { from: '2026-11-01' } });
    expect(scope.render('/v1/accounts/${inputs.id}/stats?from=${window.from}', 'w')).toBe('/v1/accounts/7/stats?from=2026-11-01');
    expect(scope.render('[${null}][${undefined}]', 'w')).toBe('[][]');
    expect(scope.render('${ {a: [1, 2]} }', 'w')).toBe('{"a":[1,2]}');
    expect(scope.render('no templates', 'w')).toBe('no templates');
  });

  test('render reports a bad template with its place', () => {
    expect(() => new ExpressionScope({}).render('/v1/${x', 'steps[0].request.path')).toThrow('steps[0].request.path: expression "/v1/${x" failed: unclosed "${" at column 5');
    expect(() => new ExpressionScope({}).render('/v1/${missing}', 'steps[0].request.path')).toThrow(ExpressionError);
  });

  test('mapPairsJson maps every pair to cells; objects become JSON', () => {
    const scope = new ExpressionScope({});
    const pairs = JSON.stringify([[{ id: 'a', n: 2, o: { z: 1 } }, null], [{ id: 'b', n: 3, o: null }, { k: 'i' }]]);
    expect(scope.mapPairsJson(pairs, 'null', '[]', ['record.id', 'record.n * 10', 'record.o', 'item && item.k'], 'w')).toEqual([
      { cells: ['a', 20, '{"z":1}', null] },
      { cells: ['b', 30, null, 'i'] },
    ]);
  });

  test('mapPairsJson sees parent and ancestors', () => {
    const scope = new ExpressionScope({});
    expect(scope.mapPairsJson('[[{"v":1},null]]', '{"p":7}', '[{"a":8}]', ['record.v + parent.p + ancestors[0].a'], 'w')).toEqual([{ cells: [16] }]);
  });

  test('a failing record gives its error in its place, naming the column (0-based)', () => {
    const scope = new ExpressionScope({});
    expect(scope.mapPairsJson('[[{"o":{"z":1}},null],[{"o":null},null]]', 'null', '[]', ['1', 'record.o.z'], 'file.json')).toEqual([
      { cells: [1, 1] },
      { error: "column 1: cannot read property 'z' of null" },
    ]);
  });

  test('a column expression that is not one expression fails the batch before it runs', () => {
    const error = expressionError(() => new ExpressionScope({}).mapPairsJson('[]', 'null', '[]', ['record.a) , (process'], 'w'));
    expect(error.message).toContain('unexpected text after the expression');
  });

  test('render encodes values for where they go', () => {
    const scope = new ExpressionScope({ inputs: { id: '../../admin/users?all=1#', q: 'a b&c', h: 'x\r\nset-cookie: y' } });
    expect(scope.render('/v1/accounts/${inputs.id}/stats', 'p', 'path')).toBe('/v1/accounts/..%2F..%2Fadmin%2Fusers%3Fall%3D1%23/stats');
    expect(scope.render('/v1/x?f=${inputs.q}', 'p', 'path')).toBe('/v1/x?f=a%20b%26c');
    expect(scope.render('$raw{inputs.q}', 'p', 'path')).toBe('a b&c');
    expect(scope.render('${"https://api.example.com"}/v1/${inputs.q}', 'u', 'url')).toBe('https://api.example.com/v1/a%20b%26c');
    expect(expressionError(() => scope.render('/v1/${".."}/x', 'p', 'path')).message).toBe('p: expression "\\"..\\"" failed: the value is "..", which would move the request to another path');
    expect(expressionError(() => scope.render('${inputs.h}', '$.headers.x', 'header')).message).toContain('holds a line break or NUL');
    expect(scope.render('${inputs.q}', 't')).toBe('a b&c');
  });

  test('plain paths are read by the host with own properties only, as JavaScript would', () => {
    const scope = new ExpressionScope({ inputs: { id: 'A' } });
    scope.setJson('response', '{"paging":{"next":"n2"},"data":[1,2],"s":"abc"}');
    expect(scope.evaluate('response.paging.next', 'w')).toBe('n2');
    expect(scope.evaluate('response.missing', 'w')).toBeUndefined();
    expect(scope.evaluate('response.data.length', 'w')).toBe(2);
    expect(scope.evaluate('response.s.length', 'w')).toBe(3); // a string's length: the engine answers
    expect(scope.evaluate('typeof response.constructor', 'w')).toBe('function'); // inherited: the engine answers
    expect(scope.evaluate('response.constructor', 'w')).toBeUndefined(); // a function is not JSON
  });

  test('invalid JSON fails when it is set, naming the variable', () => {
    const error = expressionError(() => new ExpressionScope({}).setJson('response', '{"a":'));
    expect(error.message).toMatch(/^setting response: expression "response" failed: (Unexpected end of JSON input|.*JSON)/);
  });

  test('a disposed scope refuses work; usingScope disposes', () => {
    const scope = new ExpressionScope({ a: 1 });
    scope.dispose();
    expect(expressionError(() => scope.evaluate('a + 1', 'w')).message).toBe('w: expression "a + 1" failed: this expression sandbox was disposed');
    let kept: ExpressionScope | undefined;
    expect(usingScope({ a: 2 }, (s) => ((kept = s), s.evaluate('a * 2', 'w')))).toBe(4);
    expect(() => kept!.evaluate('a', 'w')).toThrow('disposed');
  });
});

describe('ExpressionScope: countOf (a page\'s records)', () => {
  const PAGE = '{"data":[{"id":1},{"id":2},{"id":3}],"none":[],"obj":{"a":1},"s":"abc","n":null,"z":0}';

  /** The count as the engine gives it: `(0, e)` is outside the host's subset, so the engine evaluates it. */
  function engineCount(expression: string): number {
    const scope = new ExpressionScope({});
    scope.setJson('response', PAGE);
    return scope.countOf('__records', `(0, ${expression})`, 'w');
  }

  test.each(['response.data', 'response.none', 'response.obj', 'response.s', 'response.n', 'response.missing', 'response.z', 'response', 'response["data"]', 'response.data[0]'])(
    '%s: the host counts a plain path as the engine does, without a round trip',
    (expression) => {
      const scope = new ExpressionScope({});
      scope.setJson('response', PAGE);
      const before = expressionEngineCalls();
      const count = scope.countOf('__records', expression, 'w');
      expect(expressionEngineCalls()).toBe(before);
      expect(count).toBe(engineCount(expression));
    },
  );

  test('a path the host cannot read (through null, an inherited name) goes to the engine: same value or same error', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', PAGE);
    const before = expressionEngineCalls();
    expect(scope.countOf('__records', 'response.constructor', 'w')).toBe(-1);
    expect(expressionEngineCalls()).toBeGreaterThan(before);
    const error = expressionError(() => scope.countOf('__records', 'response.n.items', '$.streams.s.steps[0].records'));
    expect(error.where).toBe('$.streams.s.steps[0].records');
    expect(error.message).toMatch(/^\$\.streams\.s\.steps\[0\]\.records: expression "response\.n\.items" failed: .*null/);
  });

  test('an expression that is not a path is counted in the engine, its records kept there', () => {
    const scope = new ExpressionScope({});
    scope.setJson('response', PAGE);
    expect(scope.countOf('__records', 'response.data.filter((r) => r.id > 1)', 'w')).toBe(2);
    expect(scope.evaluate('__records.map((r) => r.id)', 'w')).toEqual([2, 3]);
  });

  test('syntax is checked first, as for evaluate', () => {
    const error = expressionError(() => new ExpressionScope({}).countOf('__records', 'response.', '$.records'));
    expect(error.message).toMatch(/^\$\.records: expression "response\." failed: not a JavaScript expression/);
  });
});

describe('ExpressionScope: sandbox', () => {
  test.each(['process', 'require', 'module', 'setTimeout', 'setInterval', 'fetch', 'Buffer'])('%s is undefined', (name) => {
    expect(new ExpressionScope({}).evaluate(`typeof ${name}`, 'w')).toBe('undefined');
  });

  test('globalThis.process is undefined, and using process throws', () => {
    const scope = new ExpressionScope({});
    expect(scope.evaluate('globalThis.process', 'w')).toBeUndefined();
    expect(expressionError(() => scope.evaluate('process.env', 'where-p')).message).toContain(`'process' is not defined`);
    expect(expressionError(() => scope.evaluate('require("fs")', 'where-r')).message).toContain(`'require' is not defined`);
  });

  test('this.constructor.constructor builds code only inside the engine, where there is no host', () => {
    const error = expressionError(() => new ExpressionScope({}).evaluate(`this.constructor.constructor('return process')()`, 'chain-this'));
    expect(error.message).toBe(`chain-this: expression "this.constructor.constructor('return process')()" failed: 'process' is not defined`);
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
      expect(error.message).toContain(`'process' is not defined`);
    }
  });

  test('variables passed to the constructor are sandbox objects too (no host constructor chain)', () => {
    const scope = new ExpressionScope({ inputs: { id: 1 } });
    const error = expressionError(() => scope.evaluate(`inputs.constructor.constructor('return process')()`, 'chain-inputs'));
    expect(error.message).toContain(`'process' is not defined`);
  });

  test('eval and new Function reach only the engine', () => {
    const scope = new ExpressionScope({});
    expect(scope.evaluate(`eval('typeof process + typeof require')`, 'w')).toBe('undefinedundefined');
    expect(scope.evaluate(`new Function('return typeof globalThis.process')()`, 'w')).toBe('undefined');
  });

  test('an infinite loop fails by timeout, and the scope and the process keep working', async () => {
    const scope = new ExpressionScope({ x: 1 }, { timeoutMs: 50 });
    const started = Date.now();
    const error = expressionError(() => scope.evaluate('(() => { while(true){} })()', 'loop-where'));
    expect(error.message).toMatch(/^loop-where: /);
    expect(error.message).toBe('loop-where: expression "(() => { while(true){} })()" failed: exceeded its time limit (50 ms)');
    expect(Date.now() - started).toBeLessThan(1500);
    // Same sandbox still evaluates, and the host's event loop still turns.
    expect(scope.evaluate('x + 1', 'w')).toBe(2);
    await expect(new Promise((resolve) => setTimeout(() => resolve('alive'), 10))).resolves.toBe('alive');
  });

  test('an infinite loop in assign and in mapPairsJson also times out', () => {
    const scope = new ExpressionScope({}, { timeoutMs: 20 });
    expect(expressionError(() => scope.assign('y', '(() => { for(;;){} })()', 'w')).message).toContain('exceeded its time limit (20 ms)');
    expect(expressionError(() => scope.mapPairsJson('[[1,null]]', 'null', '[]', ['(() => { for(;;){} })()'], 'w')).message).toContain('exceeded its time limit (200 ms)');
  });

  test('a built-in that never checks the time limit is stopped by force, costing only its own thread', async () => {
    // Another activity's scope, alive across the stop.
    let carryOn!: () => void;
    const other = withExpressionThread(async () => {
      const scope = new ExpressionScope({ x: 1 });
      expect(scope.evaluate('x + 1', 'w')).toBe(2);
      await new Promise<void>((resolve) => (carryOn = resolve));
      return scope.evaluate('x + 2', 'w');
    });
    const stopped = await withExpressionThread(async () => {
      const scope = new ExpressionScope({}, { timeoutMs: 100 });
      // indexOf over an array-like of 1e9 holes: one built-in call that loops for seconds
      // without checking the time limit, and allocates nothing (so only the time limit can
      // stop it; `new Array(1e8).fill(1.5)` sometimes hit the memory limit first under load).
      return expressionError(() => scope.evaluate('Array.prototype.indexOf.call({ length: 1e9 }, 1)', 'w')).message;
    });
    expect(stopped).toBe('w: expression "Array.prototype.indexOf.call({ length: 1e9 }, 1)" failed: exceeded its time limit (100 ms) and was stopped by force');
    carryOn();
    await expect(other).resolves.toBe(3);
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

// The attacks that would hang or crash the process are in test/security/sandbox-attacks.test.ts.
