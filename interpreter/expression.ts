/**
 * Evaluates the config's JavaScript expressions away from the worker: in a V8 context of
 * their own (no `process`, `require`, timers or network, string code generation disabled,
 * a time limit that also covers promise callbacks), inside a worker thread with a heap
 * limit of its own, so that an expression allocating without bound ends that thread and
 * fails with an ExpressionError, while the worker process lives on.
 *
 * Calls are synchronous for the caller: the request goes to the thread and the host waits
 * on an Atomics flag for the answer. Data enters the context as JSON text parsed there,
 * and results leave as JSON text or a message string made there, under the time limit:
 * the host never touches an object the sandbox created. The evaluation itself is in
 * sandbox-thread.js.
 *
 * Runs only inside activities and the CLI (worker threads and vm are not available to
 * workflow code).
 */
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
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

/** `import()` would reach the thread's module loader; refused before anything runs. */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/** Heap of the sandbox thread; an expression needing more fails. */
const MEMORY_MB = Number(process.env.DIF_EXPRESSION_MEMORY_MB ?? 512);

interface Reply {
  ok?: true;
  out?: string;
  hostError?: string;
}

/** The one sandbox thread of this process, started on first use and replaced after a crash. */
class SandboxThread {
  private worker?: Worker;
  private port?: MessagePort;
  private flag = new Int32Array(new SharedArrayBuffer(4));
  /** Bumped on every restart: scopes created before a crash know their context is gone. */
  generation = 0;

  call(request: Record<string, unknown>, waitMs: number): Reply | undefined {
    this.ensure();
    Atomics.store(this.flag, 0, 0);
    this.worker!.postMessage(request);
    Atomics.wait(this.flag, 0, 0, waitMs);
    const reply = receiveMessageOnPort(this.port!)?.message as Reply | undefined;
    if (!reply) this.restart(); // out of memory (the thread died) or stuck past every limit
    return reply;
  }

  post(request: Record<string, unknown>): void {
    this.worker?.postMessage(request);
  }

  private ensure(): void {
    if (this.worker) return;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(path.join(__dirname, 'sandbox-thread.js'), {
      workerData: { flag: this.flag.buffer, reply: port2 },
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB, maxYoungGenerationSizeMb: 64 },
      stdout: true,
      stderr: true,
    });
    // A thread that dies of memory exhaustion reports it here; the waiting call handles it.
    this.worker.on('error', () => undefined);
    this.worker.unref();
    this.port.unref();
    this.generation++;
  }

  private restart(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
  }
}

const thread = new SandboxThread();
let nextScopeId = 1;
const release = new FinalizationRegistry<{ id: number; generation: number }>(({ id, generation }) => {
  if (generation === thread.generation) thread.post({ op: 'drop', scope: id });
});

/** A sandbox holding named variables; expressions run against it many times. */
export class ExpressionScope {
  private readonly id = nextScopeId++;
  private readonly timeoutMs: number;
  private generation: number;

  constructor(variables: Record<string, unknown>, options: EvalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    if (!thread.call({ op: 'create', scope: this.id }, 30_000)) throw new Error('the expression sandbox thread did not start');
    this.generation = thread.generation;
    release.register(this, { id: this.id, generation: this.generation });
    for (const [name, value] of Object.entries(variables)) this.setJson(name, JSON.stringify(value ?? null));
  }

  /** Defines `name` from JSON text, parsed inside the sandbox (used for large response bodies). */
  setJson(name: string, json: string): void {
    this.send({ op: 'setJson', name, json }, name, `setting ${name}`, this.timeoutMs);
  }

  private send(request: Record<string, unknown>, expression: string, where: string, timeoutMs: number): unknown {
    if (DYNAMIC_IMPORT.test(expression)) throw new ExpressionError(where, expression, 'import() is not allowed in expressions');
    if (this.generation !== thread.generation) {
      throw new ExpressionError(where, expression, 'this sandbox was lost when an earlier expression exceeded its memory');
    }
    // Twice the limit and a second: time for the thread to hit its heap limit and die.
    const reply = thread.call({ ...request, scope: this.id, where, timeoutMs }, timeoutMs * 2 + 1000);
    if (!reply) throw new ExpressionError(where, expression, `exceeded the sandbox's memory (${MEMORY_MB} MB) or time limit`);
    if (reply.hostError !== undefined) throw new ExpressionError(where, expression, reply.hostError);
    const result = JSON.parse(reply.out!) as { v?: unknown; u?: 1; e?: string };
    if (result.e !== undefined) throw new ExpressionError(where, expression, result.e);
    return result.u ? undefined : result.v;
  }

  /** Runs `body` (statements ending in a `return`) and gives back its JSON-able value. */
  private run(body: string, expression: string, where: string, timeoutMs = this.timeoutMs): unknown {
    return this.send({ op: 'run', body }, expression, where, timeoutMs);
  }

  evaluate(expression: string, where: string): unknown {
    return this.run(`return (${expression});`, expression, where);
  }

  /** Evaluates `expression` and keeps the result in the sandbox as `name`, never copying it out. */
  assign(name: string, expression: string, where: string): void {
    this.run(`globalThis[${JSON.stringify(name)}] = (${expression}); return null;`, expression, where);
  }

  /**
   * Runs `(record) => [expr1, expr2, …]` over every element of the array variable `listName`
   * in one sandbox call, so a 100,000-record page costs one round trip, not 600,000.
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

  /**
   * Like mapRows over `[record, item]` pairs (exploded arrays), but a failing record gives
   * `{ error }` in its place instead of failing the batch, so it can go to the rejects file.
   */
  mapPairs(listName: string, expressions: string[], where: string): ({ cells: unknown[] } | { error: string })[] {
    const cells = expressions.map(
      (e, i) => `(() => { try { return (${e}); } catch (err) { throw new Error('column ' + ${i} + ': ' + (err && err.message)); } })()`,
    );
    const body = `
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
      return out;`;
    return this.run(body, expressions.join(' | '), where, this.timeoutMs * 10) as ({ cells: unknown[] } | { error: string })[];
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
    ) as string;
  }
}
