'use strict';
/**
 * The thread where DIF's config expressions run (see expression.ts). Plain JavaScript so
 * that it loads the same way from sources and from dist/. It holds one V8 context per
 * ExpressionScope, with no `process`, `require`, timers or network, string code
 * generation off, a time limit that covers microtasks, and — because it is a thread with
 * its own heap limit — a memory limit: an expression that allocates too much ends this
 * thread, not the worker process.
 *
 * Protocol: each request on `parentPort` is answered on `workerData.reply` and signalled
 * through `workerData.flag` (Atomics), so the host can wait for it synchronously.
 */
const vm = require('node:vm');
const { parentPort, workerData } = require('node:worker_threads');

const flag = new Int32Array(workerData.flag);
const reply = workerData.reply;
const contexts = new Map();

/** Wraps code so its outcome leaves the context as one JSON string made inside it. */
function guarded(body) {
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

function hostMessage(e) {
  const message = e !== null && typeof e === 'object' ? Object.getOwnPropertyDescriptor(e, 'message')?.value : undefined;
  return typeof message === 'string' ? message : 'evaluation failed';
}

function answer(message) {
  reply.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

parentPort.on('message', (request) => {
  switch (request.op) {
    case 'create':
      contexts.set(
        request.scope,
        vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate', name: 'dif-expression' }),
      );
      return answer({ ok: true });
    case 'drop':
      contexts.delete(request.scope);
      return; // fire and forget
    case 'setJson': {
      const context = contexts.get(request.scope);
      context.__json = request.json;
      return answer(run(context, `globalThis[${JSON.stringify(request.name)}] = JSON.parse(globalThis.__json); delete globalThis.__json; return null;`, request));
    }
    case 'run':
      return answer(run(contexts.get(request.scope), request.body, request));
  }
});

function run(context, body, request) {
  if (!context) return { hostError: 'this expression sandbox was lost (an earlier expression exceeded its memory)' };
  try {
    return { out: vm.runInContext(guarded(body), context, { timeout: request.timeoutMs, filename: request.where }) };
  } catch (e) {
    return { hostError: hostMessage(e) };
  }
}
