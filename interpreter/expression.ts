/**
 * Evaluates the config's JavaScript expressions in a separate V8 context with no `process`,
 * `require`, timers or network, string code generation (`eval`, `Function`) disabled, and a
 * time limit. Data enters the context as JSON text and is parsed there, so every object the
 * expression touches has the sandbox's own prototypes: a `constructor` chain leads back to
 * the sandbox, never to the host.
 *
 * Runs only inside activities (node:vm is not available to workflow code). The scope is
 * deliberately narrow for now; bounding memory needs an isolate of its own (isolated-vm)
 * and is tracked with the step-executor work.
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
    cause: unknown,
  ) {
    super(`${where}: expression ${JSON.stringify(expression)} failed: ${describe(cause)}`);
    this.name = 'ExpressionError';
  }
}

function describe(cause: unknown): string {
  if (cause && typeof cause === 'object' && 'message' in cause) return String((cause as Error).message);
  return String(cause);
}

/** A sandbox holding named variables; expressions run against it many times. */
export class ExpressionScope {
  private readonly context: vm.Context;
  private readonly timeoutMs: number;

  constructor(variables: Record<string, unknown>, options: EvalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.context = vm.createContext(Object.create(null), {
      codeGeneration: { strings: false, wasm: false },
      name: 'dif-expression',
    });
    for (const [name, value] of Object.entries(variables)) this.setJson(name, JSON.stringify(value ?? null));
  }

  /** Defines `name` from JSON text, parsed inside the sandbox (used for large response bodies). */
  setJson(name: string, json: string): void {
    this.context.__json = json;
    vm.runInContext(`globalThis[${JSON.stringify(name)}] = JSON.parse(globalThis.__json); delete globalThis.__json;`, this.context, {
      timeout: this.timeoutMs,
    });
  }

  evaluate(expression: string, where: string): unknown {
    try {
      return vm.runInContext(`(${expression})`, this.context, { timeout: this.timeoutMs, filename: where });
    } catch (e) {
      throw new ExpressionError(where, expression, e);
    }
  }

  /** Evaluates `expression` and keeps the result in the sandbox as `name`, never copying it out. */
  assign(name: string, expression: string, where: string): void {
    try {
      vm.runInContext(`globalThis[${JSON.stringify(name)}] = (${expression});`, this.context, { timeout: this.timeoutMs, filename: where });
    } catch (e) {
      throw new ExpressionError(where, expression, e);
    }
  }

  /**
   * Runs `(record) => [expr1, expr2, …]` over every element of the array variable `listName`
   * in one sandbox call, so a 100,000-record page costs one context switch, not 600,000.
   * Returns plain rows; any non-primitive cell is rendered as JSON inside the sandbox.
   */
  mapRows(listName: string, expressions: string[], where: string): unknown[][] {
    const cells = expressions.map((e, i) => `(() => { try { return (${e}); } catch (err) { throw new Error('column ' + ${i} + ': ' + err.message); } })()`);
    const program = `(() => {
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
      return JSON.stringify(out);
    })()`;
    try {
      // Returned as JSON so the host never holds a sandbox object.
      return JSON.parse(vm.runInContext(program, this.context, { timeout: this.timeoutMs * 10, filename: where }) as string);
    } catch (e) {
      throw new ExpressionError(where, expressions.join(' | '), e);
    }
  }

  /**
   * Like mapRows, for the streaming preprocessor: `listName` holds `[record, item]` pairs,
   * and an expression that throws marks only its own row bad (the row goes to the rejects
   * file) instead of failing the batch. Returns per row either its cells or the error text.
   */
  mapPairs(listName: string, expressions: string[], where: string): ({ cells: unknown[] } | { error: string })[] {
    const cells = expressions.map(
      (e, i) => `(() => { try { return (${e}); } catch (err) { throw new Error('column ' + ${i} + ': ' + (err && err.message)); } })()`,
    );
    const program = `(() => {
      const list = globalThis[${JSON.stringify(listName)}];
      const out = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        const record = list[i][0], item = list[i][1];
        try {
          const row = [${cells.join(',')}];
          for (let c = 0; c < row.length; c++) {
            const v = row[c];
            if (v !== null && typeof v === 'object') row[c] = JSON.stringify(v);
          }
          out[i] = { cells: row };
        } catch (err) {
          out[i] = { error: String(err && err.message) };
        }
      }
      return JSON.stringify(out);
    })()`;
    try {
      return JSON.parse(vm.runInContext(program, this.context, { timeout: this.timeoutMs * 10, filename: where }) as string);
    } catch (e) {
      throw new ExpressionError(where, expressions.join(' | '), e);
    }
  }

  /** Renders a `${...}` template to a string. */
  render(template: string, where: string): string {
    return parseTemplate(template, where)
      .map((part) => ('text' in part ? part.text : stringify(this.evaluate(part.expression, where))))
      .join('');
  }
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
