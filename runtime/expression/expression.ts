/**
 * Evaluates the config's JavaScript expressions in an isolated engine: QuickJS compiled to
 * WebAssembly (quickjs-emscripten), one QuickJS runtime per ExpressionScope, on a thread
 * of its own (expression-thread.js).
 *
 * Why QuickJS in Wasm and not V8 (node:vm, or isolated-vm): configs, per-customer
 * overrides and customer inputs are untrusted (DESIGN.md, invariant 9).
 *  - Nothing of the host is reachable: the engine's objects live in Wasm linear memory and
 *    it is handed only strings, so V8's `Error.prepareStackTrace` and constructor chains
 *    have no host object to lead to.
 *  - Every allocation counts against the runtime's memory limit (strings, arrays and
 *    ArrayBuffers alike), and exceeding it is an ordinary "out of memory" exception. With
 *    V8, `new Array(1e8).fill(1.5)` aborts the whole process: seen here with isolated-vm
 *    5.0.4 (the last release for Node 20; 6 and 7 need Node 22 and 24) and, per the
 *    security review, with a worker thread's resourceLimits.
 *  - CPU time is bounded by QuickJS's interrupt handler (which also covers regular
 *    expressions and JSON.parse) and, for built-ins that never check it (Array.prototype.fill
 *    over a huge sparse array runs for tens of seconds), by a hard stop: the host waits for
 *    an answer at most the time limit plus a grace, then terminates the thread.
 *  - A thread per activity execution (`withExpressionThread`, used by the activity
 *    wrapper) means a hard stop or a trap costs only the run that caused it; code outside
 *    any activity (the CLI, tests) shares one thread per process.
 * Calls are synchronous for the caller (the host waits on an Atomics flag, as the V8
 * thread before it did), and cheap; QuickJS interprets rather than compiles, so heavy
 * per-record expressions cost more than in V8: `npm run bench -- expressions` measures both.
 *
 * Expressions are checked by a JavaScript parser (expression-syntax.ts) before they run:
 * exactly one expression, no comments, no import. Only then is the text placed inside
 * parentheses in code of ours; the parser has proven it cannot close them.
 * Expressions of a small subset (paths such as `response.paging.next`, arithmetic,
 * comparisons: expression-host.ts) over variables the host holds are answered by the host
 * from the parsed JSON, without a round trip, wherever its answer is the engine's.
 *
 * Runs only inside activities and the CLI (worker threads are not available to workflow code).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { checkExpression, ExpressionSyntaxError, namesUsedBy, parseTemplate, type TemplatePart } from '../../core/expression-syntax';
import { ExpressionError } from '../../core/errors';
import { encodeTemplateValue, type TemplatePosition } from '../../core/template-encoding';
import { asJsonNumber, compileForHost, NOT_HERE, type HostVariables } from './expression-host';
// Plain JavaScript shared with the expression thread.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { budgetClock, forgetStat } = require('./thread-cpu') as {
  budgetClock: (budgetMs: number, statPath?: string) => { remainingMs(): number; spent(): boolean };
  forgetStat: (statPath?: string) => void;
};

export type { TemplatePosition } from '../../core/template-encoding';

/** An `$auth{…}` place left in a rendered template, with how its value is to be encoded. */
export interface AuthPlace {
  auth: string;
  position: TemplatePosition;
}
/** A rendered template: text, and the places the signer fills. */
export type RenderedPiece = string | AuthPlace;

export interface EvalOptions {
  /** CPU time one evaluation may take (a batch of records gets ten times this). */
  timeoutMs?: number;
  /** Memory of this scope's engine, every allocation included. */
  memoryMb?: number;
}

const DEFAULT_MEMORY_MB = Number(process.env.DIF_EXPRESSION_MEMORY_MB ?? 256);
/** How long past its own deadline the host waits before it stops the thread by force. */
const HARD_STOP_GRACE_MS = 1000;
/** Large texts entering the engine get more time to parse: 50 ms per MB. */
const PARSE_MS_PER_MB = 50;
/** Texts up to this size are also parsed by the host, so plain paths over them skip the engine. */
const HOST_PARSE_LIMIT = 1 << 20;

interface Reply {
  ok?: true;
  out?: string;
  error?: string;
  limit?: 'time' | 'memory';
  trap?: true;
  /** The thread's /proc stat file, in its first answer (thread-cpu.js). */
  statPath?: string;
}

/** A compiled WebAssembly.Module (the project's `lib` has no WebAssembly types). */
type CompiledWasm = object;
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => CompiledWasm } };
let compiledEngine: CompiledWasm | undefined;

/** QuickJS's WebAssembly, compiled once per process and shared with every thread. */
function engineModule(): CompiledWasm {
  if (!compiledEngine) {
    const variant = path.dirname(require.resolve('@jitl/quickjs-wasmfile-release-sync/package.json'));
    compiledEngine = new wasm.Module(fs.readFileSync(path.join(variant, 'dist', 'emscripten-module.wasm')));
  }
  return compiledEngine;
}

let threadsStarted = 0;
/** Expression threads this process has started (the pool's test reads it). */
export const expressionThreadsStarted = (): number => threadsStarted;
let threadsStartedWaiting = 0;
/** Of those, the ones a caller had to wait for (no spare ready): each blocked the event loop while it started. */
export const expressionThreadsStartedWaiting = (): number => threadsStartedWaiting;
let engineCalls = 0;
/** Round trips into an expression thread this process has made (tests and benches read it: plain paths make none). */
export const expressionEngineCalls = (): number => engineCalls;

/** One thread running QuickJS; its scopes live and die with it. */
class ExpressionThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  /** Why the thread is gone, once it is. */
  lostBecause?: string;
  private nextScope = 1;
  /** Where the thread's CPU time is read; undefined where /proc is not there (wall time then). */
  private statPath?: string;
  /** Until the thread's first answer ("ready") is read, nothing else may be read from its port. */
  private started = false;

  /**
   * Starts the thread. `waitUntilReady` false: returns at once and the first call waits only
   * for what is left of the start (a spare, started ahead of need).
   */
  constructor(waitUntilReady = true) {
    threadsStarted++;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(path.join(__dirname, 'expression-thread.js'), {
      workerData: { flag: this.flag.buffer, reply: port2, wasmModule: engineModule() },
      transferList: [port2],
      stdout: true,
      stderr: true,
    });
    this.worker.on('error', () => undefined); // a thread that dies is noticed by the waiting call
    this.worker.unref();
    this.port.unref();
    if (waitUntilReady) {
      threadsStartedWaiting++;
      this.awaitStart();
    }
  }

  /** Blocks until the thread said it is ready (at once when it did already). */
  private awaitStart(): void {
    if (this.started) return;
    this.started = true;
    Atomics.wait(this.flag, 0, 0, 30_000);
    const ready = receiveMessageOnPort(this.port)?.message as Reply | undefined;
    if (!ready?.ok) this.stop(ready?.error ?? 'the expression thread did not start');
    this.statPath = ready?.statPath;
  }

  newScopeId(): number {
    return this.nextScope++;
  }

  /**
   * Sends `request` and waits for the answer; undefined (and the thread stopped) once the
   * thread has spent `waitMs` of CPU on it without answering (thread-cpu.js: a thread that
   * waits for a core on a busy machine is not stopped for it).
   */
  call(request: Record<string, unknown>, waitMs: number): Reply | undefined {
    this.awaitStart();
    if (this.lostBecause) return { error: this.lostBecause };
    engineCalls++;
    Atomics.store(this.flag, 0, 0);
    this.worker.postMessage(request);
    const clock = budgetClock(waitMs, this.statPath);
    for (;;) {
      Atomics.wait(this.flag, 0, 0, Math.max(1, clock.remainingMs()));
      const reply = receiveMessageOnPort(this.port)?.message as Reply | undefined;
      if (reply) return reply;
      if (clock.spent()) break;
    }
    this.stop('this expression sandbox was stopped by force after an expression ran past its time limit');
    return undefined;
  }

  post(request: Record<string, unknown>): void {
    this.awaitStart();
    if (!this.lostBecause) this.worker.postMessage(request);
  }

  stop(reason: string): void {
    this.lostBecause ??= reason;
    forgetStat(this.statPath);
    void this.worker.terminate();
    this.port.close();
  }

}

const activityThread = new AsyncLocalStorage<{ thread?: ExpressionThread }>();
let processThread: ExpressionThread | undefined;
/**
 * Healthy threads between activities. Starting one costs about 10 MB and, worse, blocks the
 * worker's event loop until the thread is ready (the scope's constructor is synchronous):
 * 150 ms and more on a busy machine. A worker running 32 activities at once kept only 4,
 * started a thread for nearly every activity, and a fan-out in batches of one ran at about
 * 7 batches a second. So as many are kept as activities used at once, up to
 * DIF_EXPRESSION_IDLE_THREADS, and a thread idle for IDLE_THREAD_MS is let go.
 */
const idleThreads: { thread: ExpressionThread; since: number }[] = [];
const MAX_IDLE_THREADS = Number(process.env.DIF_EXPRESSION_IDLE_THREADS ?? 32);
const IDLE_THREAD_MS = 60_000;
let idleSweep: NodeJS.Timeout | undefined;

/**
 * Runs `fn` with a thread to itself for every ExpressionScope it creates: an expression
 * that has to be stopped by force, or that breaks the engine, costs only this call (the
 * worker wraps each activity execution in it). A thread that is still healthy afterwards
 * is emptied of its scopes and kept for the next call.
 */
export async function withExpressionThread<T>(fn: () => Promise<T>): Promise<T> {
  const holder: { thread?: ExpressionThread } = {};
  try {
    return await activityThread.run(holder, fn);
  } finally {
    const thread = holder.thread;
    if (thread && !thread.lostBecause) {
      thread.post({ op: 'dropAll' });
      if (idleThreads.length < MAX_IDLE_THREADS) keepIdle(thread);
      else thread.stop('no longer needed');
    }
  }
}

function keepIdle(thread: ExpressionThread): void {
  idleThreads.push({ thread, since: Date.now() });
  idleSweep ??= setInterval(() => {
    // The oldest idle threads are at the front: the pool hands out the most recently used.
    while (idleThreads.length && Date.now() - idleThreads[0].since > IDLE_THREAD_MS) idleThreads.shift()!.thread.stop('idle');
    if (!idleThreads.length) {
      clearInterval(idleSweep);
      idleSweep = undefined;
    }
  }, IDLE_THREAD_MS / 4).unref();
}

function currentThread(): ExpressionThread {
  const holder = activityThread.getStore();
  if (holder) {
    if (!holder.thread || holder.thread.lostBecause) holder.thread = idleThread() ?? takeSpareThread();
    return holder.thread;
  }
  if (!processThread || processThread.lostBecause) processThread = new ExpressionThread();
  return processThread;
}

/**
 * A thread started ahead of need, in the background. Its start blocked the worker's event
 * loop for 0.3-0.9 s on the project's loaded machine when done on demand (the constructor
 * waits for the thread to be ready): every activity and vendor request of the worker
 * stalled meanwhile, and a request already given its rate-limit slot was sent that much
 * late, closer to the next one than the vendor's limit allows (step-executor.test.ts).
 * Taking the spare starts the next one; workers start the first (prepareExpressionThreads).
 */
let spareThread: ExpressionThread | undefined;

/** Starts the spare thread without waiting for it; the worker calls this as it starts. */
export function prepareExpressionThreads(): void {
  if (!spareThread || spareThread.lostBecause) spareThread = new ExpressionThread(false);
}

function takeSpareThread(): ExpressionThread {
  const spare = spareThread && !spareThread.lostBecause ? spareThread : new ExpressionThread();
  spareThread = new ExpressionThread(false);
  return spare;
}

function idleThread(): ExpressionThread | undefined {
  for (let t = idleThreads.pop(); t; t = idleThreads.pop()) if (!t.thread.lostBecause) return t.thread;
  return undefined;
}

/** Drops an engine nobody disposed (a backstop; callers dispose explicitly). */
const release = new FinalizationRegistry<{ thread: ExpressionThread; id: number }>(({ thread, id }) => thread.post({ op: 'drop', scope: id }));

/** A sandbox holding named variables; expressions run against it many times. */
export class ExpressionScope {
  private readonly thread: ExpressionThread;
  private readonly id: number;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  /** Variables as the host holds them: JSON text, parsed on first use by a host path. */
  private readonly hostValues = new Map<string, { json: string; parsed?: { value: unknown } }>();
  /** Variables whose current value the engine does not have yet. */
  private readonly unsent = new Set<string>();
  private disposed = false;

  constructor(variables: Record<string, unknown>, options: EvalOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.memoryMb = options.memoryMb ?? DEFAULT_MEMORY_MB;
    this.thread = currentThread();
    this.id = this.thread.newScopeId();
    this.send({ op: 'create', memoryMb: this.memoryMb }, 'creating the expression sandbox', '', this.timeoutMs);
    release.register(this, { thread: this.thread, id: this.id }, this);
    for (const [name, value] of Object.entries(variables)) this.setJson(name, JSON.stringify(value ?? null));
  }

  /** Frees the engine now. The scope cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    release.unregister(this);
    this.thread.post({ op: 'drop', scope: this.id });
  }

  /**
   * Defines `name` from JSON text; invalid JSON fails here. Texts up to 1 MB are parsed by
   * the host (plain paths then read them without the engine) and reach the engine only
   * when an expression there needs them; larger ones go to the engine at once.
   */
  setJson(name: string, json: string): void {
    const where = `setting ${name}`;
    if (json.length <= HOST_PARSE_LIMIT) {
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (e) {
        throw new ExpressionError(where, name, (e as Error).message);
      }
      this.hostValues.set(name, { json, parsed: { value } });
      this.unsent.add(name);
      return;
    }
    this.hostValues.set(name, { json });
    this.unsent.delete(name);
    this.send({ op: 'setJson', name, json }, where, name, this.timeoutMs + parseBudget(json.length));
  }

  evaluate(expression: string, where: string): unknown {
    this.assertUsable(where, expression);
    checkSyntax(expression, where);
    const host = this.evaluateInHost(expression);
    if (host) return typeof host.value === 'number' ? asJsonNumber(host.value) : host.value;
    const out = this.evaluateInEngine(expression, where, 'out');
    const result = JSON.parse(out) as { v?: unknown; u?: 1 };
    return result.u ? undefined : result.v;
  }

  /** Evaluates `expression` and keeps the result in the sandbox as `name`, never copying it out. */
  assign(name: string, expression: string, where: string): void {
    this.assertUsable(where, expression);
    checkSyntax(expression, where);
    this.sendVariables(where, [expression]);
    this.send({ op: 'assign', name, code: wrap(expression), where }, where, expression, this.timeoutMs);
    this.hostValues.delete(name);
    this.unsent.delete(name);
  }

  /**
   * The length of the array `expression` gives, or -1 when it gives no array. A plain path
   * (`response.data`) over variables the host holds is counted by the host, so a page whose
   * expressions are all plain never enters the engine; otherwise the value is kept in the
   * sandbox as `name` and only its length comes out.
   */
  countOf(name: string, expression: string, where: string): number {
    this.assertUsable(where, expression);
    checkSyntax(expression, where);
    const host = this.evaluateInHost(expression);
    if (host) return Array.isArray(host.value) ? host.value.length : -1;
    this.assign(name, expression, where);
    return this.lengthOf(name, where);
  }

  /** The length of the array `name` holds in the sandbox, or -1 when it holds no array. */
  lengthOf(name: string, where: string): number {
    return Number(this.send({ op: 'length', name }, where, name, this.timeoutMs));
  }

  /** Elements [start, end) of the array `name` holds in the sandbox, as JSON text. */
  sliceOf(name: string, start: number, end: number, where: string): string {
    return this.send({ op: 'slice', name, start, end }, where, name, this.timeoutMs * 10) as string;
  }

  /**
   * Evaluates `expressions` (which see `record`, `item`, `parent`, `ancestors` and the
   * scope's variables) over every `[record, item]` pair of the JSON array `pairsJson` in one
   * engine call. A failing record gives `{ error }` ("column <i>: <reason>") in its place,
   * so it can go to the rejects file; non-primitive cells come back as JSON text.
   */
  mapPairsJson(pairsJson: string, parentJson: string, ancestorsJson: string, expressions: string[], where: string): ({ cells: unknown[] } | { error: string })[] {
    this.assertUsable(where, expressions.join(' | '));
    expressions.forEach((e) => checkSyntax(e, where));
    this.sendVariables(where, expressions);
    const columnsCode = `[\n${expressions.map((e) => `(record, item) => ${wrap(e)}`).join(',\n')}\n]`;
    const budget = this.timeoutMs * 10 + parseBudget(pairsJson.length);
    const out = this.send({ op: 'mapPairs', columnsCode, pairs: pairsJson, parent: parentJson, ancestors: ancestorsJson, where }, where, expressions.join(' | '), budget);
    return JSON.parse(out as string) as ({ cells: unknown[] } | { error: string })[];
  }

  /**
   * Renders a `${...}` template to a string, each value encoded for `position` (see
   * template-encoding.ts); `$raw{...}` parts are inserted as they are. `$auth{...}` places
   * are refused: only `renderWithAuthPlaces` (request bodies) leaves them for the signer.
   */
  render(template: string, where: string, position: TemplatePosition = 'text'): string {
    const parts = this.renderWithAuthPlaces(template, where, position);
    const place = parts.find((p) => typeof p !== 'string');
    if (place) throw new ExpressionError(where, template, `$auth{${(place as AuthPlace).auth}} is allowed only in a request's "xml" body`);
    return parts.join('');
  }

  /**
   * Renders a template as `render` does, but keeps each `$auth{...}` place as an
   * `{ auth }` piece: the signer writes the token or credential there after the rate-limit
   * wait, so it never passes through the engine, the rendered config, or a retry's copy.
   */
  renderWithAuthPlaces(template: string, where: string, position: TemplatePosition = 'text'): RenderedPiece[] {
    this.assertUsable(where, template);
    const out: RenderedPiece[] = [];
    let text = ''; // since the last place
    let seenQuery = false; // a "?" anywhere before: values after it are query components
    templateParts(template, where).forEach((part, index) => {
      if ('text' in part) {
        text += part.text;
        return;
      }
      if ('auth' in part) {
        seenQuery ||= text.includes('?');
        out.push(text, { auth: part.auth, position });
        text = '';
        return;
      }
      const value = this.evaluateToText(part.expression, where);
      if (part.raw) {
        text += value;
        return;
      }
      try {
        text += encodeTemplateValue(value, position, { atStart: index === 0, inQuery: seenQuery || text.includes('?') });
      } catch (e) {
        throw new ExpressionError(where, part.expression, (e as Error).message);
      }
    });
    out.push(text);
    return out.filter((p) => p !== '');
  }

  private evaluateToText(expression: string, where: string): string {
    checkSyntax(expression, where);
    const host = this.evaluateInHost(expression);
    if (host) {
      const v = host.value;
      return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return this.evaluateInEngine(expression, where, 'text');
  }

  private evaluateInEngine(expression: string, where: string, convert: 'out' | 'text'): string {
    this.sendVariables(where, [expression]);
    return this.send({ op: 'evaluate', code: wrap(expression), convert, where }, where, expression, this.timeoutMs) as string;
  }



  /**
   * Evaluates an expression of the host's subset (expression-host.ts) when every variable it
   * names is held by the host; undefined when the engine must answer. Plain paths
   * (`response.paging.next`, `inputs.id`) are the commonest case.
   */
  private evaluateInHost(expression: string): { value: unknown } | undefined {
    const names = namesUsedBy(expression);
    if (names === 'all') return undefined;
    const variables: HostVariables = {};
    for (const name of names) {
      const parsed = this.hostValues.get(name)?.parsed;
      if (parsed) variables[name] = parsed.value;
    }
    const compiled = compileForHost(expression, Object.keys(variables));
    if (!compiled) return undefined;
    const value = compiled(variables);
    return value === NOT_HERE ? undefined : { value };
  }

  /**
   * Hands the engine the variables `expressions` may read that it has not seen since they
   * were last set. From then on the engine's copy is the variable (an expression may change
   * it), so the host no longer answers from it.
   */
  private sendVariables(where: string, expressions: string[]): void {
    const needed = expressions.map(namesUsedBy);
    for (const name of [...this.unsent]) {
      if (!needed.some((names) => names === 'all' || names.has(name))) continue;
      const variable = this.hostValues.get(name)!;
      this.send({ op: 'setJson', name, json: variable.json }, `${where} (setting ${name})`, name, this.timeoutMs + parseBudget(variable.json.length));
      variable.parsed = undefined;
      this.unsent.delete(name);
    }
  }

  private assertUsable(where: string, expression: string): void {
    if (this.disposed) throw new ExpressionError(where, expression, 'this expression sandbox was disposed');
  }

  /** One request to this scope's engine; every failure becomes an ExpressionError naming `where`. */
  private send(request: Record<string, unknown>, where: string, expression: string, budgetMs: number): string | undefined {
    if (this.disposed) throw new ExpressionError(where, expression, 'this expression sandbox was disposed');
    const reply = this.thread.call({ ...request, scope: this.id, budgetMs }, budgetMs + HARD_STOP_GRACE_MS);
    if (!reply) throw new ExpressionError(where, expression, `exceeded its time limit (${budgetMs} ms) and was stopped by force`);
    if (reply.limit === 'time') throw new ExpressionError(where, expression, `exceeded its time limit (${budgetMs} ms)`);
    if (reply.limit === 'memory') throw new ExpressionError(where, expression, `exceeded its memory limit (${this.memoryMb} MB)`);
    if (reply.trap) {
      this.thread.stop(`the expression engine failed (${reply.error}); this sandbox is gone`);
      throw new ExpressionError(where, expression, `the expression engine failed (${reply.error})`);
    }
    if (reply.error !== undefined) throw new ExpressionError(where, expression, reply.error);
    return reply.out;
  }
}

/** Runs `fn` with a scope of `variables`, freed when `fn` returns or throws. */
export function usingScope<T>(variables: Record<string, unknown>, fn: (scope: ExpressionScope) => T): T {
  const scope = new ExpressionScope(variables);
  try {
    return fn(scope);
  } finally {
    scope.dispose();
  }
}

/**
 * A checked expression inside parentheses, on lines of its own. Safe only because
 * checkExpression proved the text is exactly one expression with no comment in it.
 */
function wrap(expression: string): string {
  return `(\n${expression}\n)`;
}

function checkSyntax(expression: string, where: string): void {
  try {
    checkExpression(expression, where);
  } catch (e) {
    throw asExpressionError(e, where, expression);
  }
}

function templateParts(template: string, where: string): readonly TemplatePart[] {
  try {
    return parseTemplate(template, where);
  } catch (e) {
    throw asExpressionError(e, where, template);
  }
}

function asExpressionError(e: unknown, where: string, text: string): unknown {
  return e instanceof ExpressionSyntaxError ? new ExpressionError(where, text, `${e.reason} at column ${e.column}`) : e;
}

function parseBudget(length: number): number {
  return Math.floor((length / (1024 * 1024)) * PARSE_MS_PER_MB);
}
