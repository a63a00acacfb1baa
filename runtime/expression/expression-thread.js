'use strict';
/**
 * The thread where config expressions run (see expression.ts for why). It holds one
 * QuickJS runtime per ExpressionScope, all inside one QuickJS WebAssembly module of its
 * own. Plain JavaScript so that it loads the same way from sources and from dist/.
 *
 * Protocol: each request on `parentPort` is answered on `workerData.reply` and signalled
 * through `workerData.flag` (Atomics), so the host can wait for it synchronously and give
 * up (terminating this thread) when a built-in runs past every limit.
 * Answers: { ok: true, out?: string } or { error: string, limit?: 'time' | 'memory' }.
 * Only strings leave the engine; they are made inside it, under its time limit.
 */
const { parentPort, workerData } = require('node:worker_threads');
const { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, shouldInterruptAfterDeadline } = require('quickjs-emscripten');
const { zoneOffsetMinutes } = require('./zone-offset');
const { budgetClock, ownStatPath } = require('./thread-cpu');

const flag = new Int32Array(workerData.flag);
/** This thread's CPU clock (thread-cpu.js): time limits count what the engine spent, not waits for a core. */
const OWN_STAT = ownStatPath();
const reply = workerData.reply;
/** QuickJS's own recursion guard: well inside the thread's stack the Wasm code runs on. */
const STACK_BYTES = 256 * 1024;

/** Our code in each engine, evaluated before any config text runs there. */
const PRELUDE = `(() => {
  const stringify = JSON.stringify, parse = JSON.parse, S = String;
  const describe = (e) => {
    try { return S(e !== null && typeof e === 'object' && 'message' in e ? e.message : e); }
    catch { return 'an error that cannot be described'; }
  };
  const out = (v) => {
    if (v === undefined) return '{"u":1}';
    const s = stringify(v);
    return s === undefined ? '{"u":1}' : '{"v":' + s + '}';
  };
  const text = (v) => v === undefined || v === null ? '' : typeof v === 'object' ? stringify(v) : S(v);
  const cell = (v) => v !== null && typeof v === 'object' ? stringify(v) : v;
  const mapPairs = (pairs, columns, parent, ancestors) => {
    globalThis.parent = parent; globalThis.ancestors = ancestors;
    const rows = new Array(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const record = pairs[i][0], item = pairs[i][1];
      const cells = new Array(columns.length);
      let error;
      for (let c = 0; c < columns.length; c++) {
        try { cells[c] = cell(columns[c](record, item)); }
        catch (e) { error = 'column ' + c + ': ' + describe(e); break; }
      }
      rows[i] = error === undefined ? { cells } : { error };
    }
    return stringify(rows);
  };
  // Date helpers for requests and columns (README: dates); the zone offset is the host's (zone-offset.js).
  const offsetOf = globalThis.__difZoneOffset;
  delete globalThis.__difZoneOffset;
  const DAY_MS = 86400000, HOUR_MS = 3600000;
  const fail = (what) => { throw new TypeError('dates: ' + what); };
  const dayMs = (day) => {
    const t = typeof day === 'string' && /^\\d{4}-\\d{2}-\\d{2}$/.test(day) ? Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) : NaN;
    if (!(t === t) || new Date(t).toISOString().slice(0, 10) !== day) fail(stringify(day) + ' is not a day (YYYY-MM-DD)');
    return t;
  };
  const instantMs = (v) => {
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) fail(stringify(v) + ' is not an instant (an ISO date-time or epoch milliseconds)');
    return t;
  };
  const zoneOf = (zone) => (typeof zone === 'string' && zone !== '' ? zone : fail(stringify(zone) + ' is not a time zone name'));
  const offsetMs = (zone, t) => offsetOf(zone, t) * 60000;
  /** The first instant whose wall clock in the zone reads \`wall\` or later (a wall time in a DST gap starts when the gap ends). */
  const fromWall = (wall, zone) => {
    const before = offsetMs(zone, wall - DAY_MS), after = offsetMs(zone, wall + DAY_MS);
    const fits = [wall - before, wall - after].filter((t) => t + offsetMs(zone, t) === wall);
    if (fits.length) return Math.min(...fits);
    let lo = wall - after, hi = wall - before;
    while (hi - lo > 1000) { const mid = Math.floor((lo + hi) / 2000) * 1000; if (offsetMs(zone, mid) === after) hi = mid; else lo = mid; }
    return hi;
  };
  const pad = (n, w) => S(n).padStart(w, '0');
  const addDays = (day, n) => {
    if (!Number.isInteger(n)) fail(stringify(n) + ' is not a whole number of days');
    return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
  };
  const startOfDay = (day, zone) => new Date(fromWall(dayMs(day), zoneOf(zone))).toISOString();
  const dates = Object.freeze({
    addDays,
    dayAfter: (day) => addDays(day, 1),
    startOfDay,
    endOfDay: (day, zone) => startOfDay(addDays(day, 1), zone),
    hoursInDay: (day, zone) => (fromWall(dayMs(day) + DAY_MS, zoneOf(zone)) - fromWall(dayMs(day), zone)) / HOUR_MS,
    startOfHour: (instant, zone) => {
      const t = instantMs(instant);
      const off = zone === undefined ? 0 : offsetMs(zoneOf(zone), t);
      return new Date(t - (((t + off) % HOUR_MS) + HOUR_MS) % HOUR_MS).toISOString();
    },
    localTime: (instant, zone) => {
      const t = instantMs(instant), off = offsetMs(zoneOf(zone), t), abs = Math.abs(off / 60000);
      return new Date(t + off).toISOString().slice(0, 19) + (off < 0 ? '-' : '+') + pad(Math.floor(abs / 60), 2) + ':' + pad(abs % 60, 2);
    },
    localDay: (instant, zone) => new Date(instantMs(instant) + offsetMs(zoneOf(zone), instantMs(instant))).toISOString().slice(0, 10),
  });
  Object.defineProperty(globalThis, 'dates', { value: dates, writable: false, enumerable: false, configurable: false });
  const length = (v) => Array.isArray(v) ? v.length : -1;
  const slice = (v, start, end) => stringify(v.slice(start, end));
  return { parse, describe, out, text, mapPairs, length, slice };
})()`;
const HELPERS = ['parse', 'describe', 'out', 'text', 'mapPairs', 'length', 'slice'];

let quickjs;
const scopes = new Map();

function answer(message) {
  reply.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

class LimitError extends Error {}

/** One runtime and context, our helpers in it, and the handles it keeps between calls. */
class Scope {
  constructor(memoryMb) {
    this.memoryMb = memoryMb;
    this.runtime = quickjs.newRuntime();
    this.runtime.setMemoryLimit(memoryMb * 1024 * 1024);
    this.runtime.setMaxStackSize(STACK_BYTES);
    this.context = this.runtime.newContext();
    this.kept = new Map(); // compiled column functions, by their source
    this.installZoneOffset();
    const prelude = this.run(() => this.context.evalCode(PRELUDE, 'dif-prelude.js'), 1000);
    this.helpers = new Map(HELPERS.map((name) => [name, this.context.getProp(prelude, name)]));
    prelude.dispose();
  }

  /**
   * The engine's only way out to the host: numbers and a zone name in, a number out
   * (zone-offset.js). The prelude takes it into the `dates` helpers and removes the global.
   */
  installZoneOffset() {
    const fn = this.context.newFunction('zoneOffset', (zoneHandle, msHandle) => {
      const zone = this.context.typeof(zoneHandle) === 'string' ? this.context.getString(zoneHandle) : undefined;
      const ms = this.context.typeof(msHandle) === 'number' ? this.context.getNumber(msHandle) : NaN;
      try {
        return this.context.newNumber(zoneOffsetMinutes(zone, ms));
      } catch (e) {
        return { error: this.context.newError({ name: 'RangeError', message: `dates: ${e.message}` }) };
      }
    });
    this.setGlobal('__difZoneOffset', fn);
  }

  dispose() {
    for (const h of this.kept.values()) h.dispose();
    for (const h of this.helpers.values()) h.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }

  /** Runs `step` under a deadline; a JavaScript exception becomes an Error with its description. */
  run(step, budgetMs, disposeAfter = []) {
    const clock = budgetClock(budgetMs, OWN_STAT);
    this.runtime.setInterruptHandler(() => clock.spent());
    let result;
    try {
      result = step();
    } finally {
      for (const h of disposeAfter) if (h.alive) h.dispose();
      this.runtime.removeInterruptHandler();
    }
    if (result.error) {
      const message = this.describe(result.error);
      result.error.dispose();
      if (message === 'interrupted') throw new LimitError('time');
      if (message === 'out of memory') throw new LimitError('memory');
      throw new Error(message);
    }
    return result.value;
  }

  describe(error) {
    this.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 100));
    try {
      const r = this.context.callFunction(this.helpers.get('describe'), this.context.undefined, error);
      if (r.error) {
        r.error.dispose();
        return 'an error that cannot be described';
      }
      return this.take(r.value);
    } finally {
      this.runtime.removeInterruptHandler();
    }
  }

  take(handle) {
    try {
      return this.context.getString(handle);
    } finally {
      handle.dispose();
    }
  }

  callHelper(name, args, budgetMs) {
    return this.run(() => this.context.callFunction(this.helpers.get(name), this.context.undefined, ...args), budgetMs);
  }

  /** JSON text parsed inside the engine. */
  parsed(json, budgetMs) {
    const text = this.context.newString(json);
    return this.run(() => this.context.callFunction(this.helpers.get('parse'), this.context.undefined, text), budgetMs, [text]);
  }

  setGlobal(name, handle) {
    this.context.setProp(this.context.global, name, handle);
    handle.dispose();
  }

  /** `code` is ours: a checked expression placed in parentheses (see expression.ts). */
  evaluate(code, where, budgetMs) {
    return this.run(() => this.context.evalCode(code, where), budgetMs);
  }
}

const ops = {
  create(r) {
    scopes.set(r.scope, new Scope(r.memoryMb));
  },
  /** The activity that had this thread has ended: its scopes go with it. */
  dropAll() {
    for (const scope of scopes.values()) scope.dispose();
    scopes.clear();
  },
  drop(r) {
    const scope = scopes.get(r.scope);
    scopes.delete(r.scope);
    scope?.dispose();
  },
  setJson(r, scope) {
    scope.setGlobal(r.name, scope.parsed(r.json, r.budgetMs));
  },
  /** The value of `code` converted by the helper `convert` ('out' → JSON envelope, 'text'). */
  evaluate(r, scope) {
    const value = scope.evaluate(r.code, r.where, r.budgetMs);
    return scope.take(scope.run(() => scope.context.callFunction(scope.helpers.get(r.convert), scope.context.undefined, value), r.budgetMs, [value]));
  },
  assign(r, scope) {
    scope.setGlobal(r.name, scope.evaluate(r.code, r.where, r.budgetMs));
  },
  /** The length of the array variable `name`, or -1 when it is not an array. */
  length(r, scope) {
    const v = scope.context.getProp(scope.context.global, r.name);
    try {
      const n = scope.callHelper('length', [v], r.budgetMs);
      const length = scope.context.getNumber(n);
      n.dispose();
      return String(length);
    } finally {
      v.dispose();
    }
  },
  slice(r, scope) {
    const v = scope.context.getProp(scope.context.global, r.name);
    const start = scope.context.newNumber(r.start);
    const end = scope.context.newNumber(r.end);
    try {
      return scope.take(scope.callHelper('slice', [v, start, end], r.budgetMs));
    } finally {
      for (const h of [v, start, end]) h.dispose();
    }
  },
  mapPairs(r, scope) {
    let columns = scope.kept.get(r.columnsCode);
    if (!columns) {
      columns = scope.evaluate(r.columnsCode, r.where, r.budgetMs);
      scope.kept.set(r.columnsCode, columns);
    }
    const args = [r.pairs, r.parent, r.ancestors].map((json) => scope.parsed(json, r.budgetMs));
    try {
      return scope.take(scope.callHelper('mapPairs', [args[0], columns, args[1], args[2]], r.budgetMs));
    } finally {
      for (const a of args) if (a.alive) a.dispose();
    }
  },
};

parentPort.on('message', (request) => {
  if (request.op === 'drop' || request.op === 'dropAll') return ops[request.op](request); // fire and forget
  try {
    const scope = request.op === 'create' ? undefined : scopes.get(request.scope);
    if (request.op !== 'create' && !scope) return answer({ error: 'this expression sandbox is gone' });
    const out = ops[request.op](request, scope);
    answer(out === undefined ? { ok: true } : { ok: true, out });
  } catch (e) {
    if (e instanceof LimitError) return answer({ error: e.message, limit: e.message });
    // A trap of the Wasm code itself (not a JavaScript error inside the engine) may leave
    // the module inconsistent: say so, and let the host replace this thread.
    const trap = !(e instanceof Error) || e.constructor !== Error;
    answer({ error: e instanceof Error ? e.message : String(e), ...(trap ? { trap: true } : {}) });
  }
});

// The host compiled the WebAssembly once per process; each thread only instantiates it.
newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: workerData.wasmModule })).then(
  (module) => {
    quickjs = module;
    // The host reads the same file to tell a runaway call from a thread waiting for a core.
    answer({ ok: true, statPath: OWN_STAT });
  },
  (e) => answer({ error: `the expression engine did not load: ${e && e.message}`, trap: true }),
);
