/**
 * Evaluates the config's JavaScript expressions in a separate V8 context with no `process`,
 * `require`, timers or network, string code generation (`eval`, `Function`) disabled, and a
 * time limit that also covers promise callbacks (microtasks run inside the evaluation).
 *
 * Nothing the sandbox creates is touched by the host: data enters as JSON text parsed in
 * the sandbox (so every object has the sandbox's prototypes and a `constructor` chain leads
 * back to the sandbox, never to the host), and results leave as JSON text or an error
 * message string produced inside the sandbox, under the same time limit. A getter or
 * `toJSON` that loops therefore times out instead of hanging the worker.
 *
 * Runs only inside activities (node:vm is not available to workflow code). Memory is not
 * bounded per expression: that needs an isolate of its own (isolated-vm, a native module);
 * input sizes are bounded by the vendor's page size instead.
 */
import vm from 'node:vm';
import { parseTemplate } from './template';

export interface EvalOptions {
  timeoutMs?: number;
}

export class ExpressionError extends Error {
  constructor(
    readonly where: string,
    readonly expression: string,
    reason: string,
  ) {
    super(`${where}: expression ${JSON.stringify(expression)} failed: ${reason}`);
    this.name = 'ExpressionError';
  }
}

/** `import()` would reach the host's module loader; refused before anything runs. */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/** Wraps code so that its outcome leaves the sandbox as one JSON string. */
function guarded(body: string): string {
  return `(() => {
    try {
      const value = (() => { ${body} })();
      return value === undefined ? '{"u":1}' : '{"v":' + JSON.stringify(value) + '}';
    } catch (error) {
      let message;
      try { message = String(error !== null && typeof error === 'object' && 'message' in error ? error.message : error); }
      catch { message = 'an error that cannot be described'; }
      return JSON.stringify({ e: message });
    }
  })()`;
}

function describeHostError(e: unknown): string {
  // Only vm's own errors (timeouts, syntax errors) get here; read `message` as a data
  // property so that not even an accessor could run.
  const message = e !== null && typeof e === 'object' ? Object.getOwnPropertyDescriptor(e, 'message')?.value : undefined;
  return typeof message === 'string' ? message : 'evaluation failed';
}

/** A sandbox holding named variables; expressions run against it many times. */
export class ExpressionScope {
  private readonly context: vm.Context;
  private readonly timeoutMs: number;

  constructor(variables: Record<string, unknown>, options: EvalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.context = vm.createContext(Object.create(null), {
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
      name: 'dif-expression',
    });
    for (const [name, value] of Object.entries(variables)) this.setJson(name, JSON.stringify(value ?? null));
  }

  /** Defines `name` from JSON text, parsed inside the sandbox (used for large response bodies). */
  setJson(name: string, json: string): void {
    this.context.__json = json;
    this.run(`globalThis[${JSON.stringify(name)}] = JSON.parse(globalThis.__json); delete globalThis.__json;`, name, `setting ${name}`, this.timeoutMs);
  }

  /** Runs `body` (statements ending in a `return`) and gives back its JSON-able value. */
  private run(body: string, expression: string, where: string, timeoutMs: number): unknown {
    if (DYNAMIC_IMPORT.test(expression)) throw new ExpressionError(where, expression, 'import() is not allowed in expressions');
    let out: string;
    try {
      out = vm.runInContext(guarded(body), this.context, { timeout: timeoutMs, filename: where }) as string;
    } catch (e) {
      throw new ExpressionError(where, expression, describeHostError(e));
    }
    const result = JSON.parse(out) as { v?: unknown; u?: 1; e?: string };
    if (result.e !== undefined) throw new ExpressionError(where, expression, result.e);
    return result.u ? undefined : result.v;
  }

  evaluate(expression: string, where: string): unknown {
    return this.run(`return (${expression});`, expression, where, this.timeoutMs);
  }

  /** Evaluates `expression` and keeps the result in the sandbox as `name`, never copying it out. */
  assign(name: string, expression: string, where: string): void {
    this.run(`globalThis[${JSON.stringify(name)}] = (${expression}); return null;`, expression, where, this.timeoutMs);
  }

  /**
   * Runs `(record) => [expr1, expr2, …]` over every element of the array variable `listName`
   * in one sandbox call, so a 100,000-record page costs one context switch, not 600,000.
   * Returns plain rows; any non-primitive cell is rendered as JSON inside the sandbox.
   */
  mapRows(listName: string, expressions: string[], where: string): unknown[][] {
    const cells = expressions.map(
      (e, i) => `(() => { try { return (${e}); } catch (err) { throw new Error('column ' + ${i} + ': ' + (err && err.message)); } })()`,
    );
    const body = `
      const list = globalThis[${JSON.stringify(listName)}];
      if (!Array.isArray(list)) throw new Error('records expression did not give an array');
      const out = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        const record = list[i];
        let row;
        try { row = [${cells.join(',')}]; } catch (err) { throw new Error('record ' + (i + 1) + ', ' + err.message); }
        for (let c = 0; c < row.length; c++) {
          const v = row[c];
          if (v !== null && typeof v === 'object') row[c] = JSON.stringify(v);
        }
        out[i] = row;
      }
      return out;`;
    return this.run(body, expressions.join(' | '), where, this.timeoutMs * 10) as unknown[][];
  }

  /** Renders a `${...}` template to a string. */
  render(template: string, where: string): string {
    return parseTemplate(template, where)
      .map((part) => ('text' in part ? part.text : this.evaluateToText(part.expression, where)))
      .join('');
  }

  /** A template part as text, stringified inside the sandbox. */
  private evaluateToText(expression: string, where: string): string {
    return this.run(
      `const v = (${expression}); return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);`,
      expression,
      where,
      this.timeoutMs,
    ) as string;
  }
}
