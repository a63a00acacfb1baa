/**
 * `node -r ./test/child/ts-hook.js some.ts`: runs the project's TypeScript in a child
 * process, transpiled file by file with the TypeScript compiler the project already has.
 * Tests need real worker processes (to SIGKILL one, to capture all it logs) and neither
 * ts-node nor a fresh `npm run build` is at hand in a test run; type checking is `tsc`'s job.
 * Output is cached by content hash in the temp folder: transpiling costs ~1.5 s per start.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cacheDir = path.join(os.tmpdir(), 'dif-ts-hook-cache');
fs.mkdirSync(cacheDir, { recursive: true });
let ts;

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(cacheDir, `${crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex')}.js`);
  let output;
  if (fs.existsSync(cached)) output = fs.readFileSync(cached, 'utf8');
  else {
    ts ??= require('typescript');
    output = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    }).outputText;
    fs.writeFileSync(`${cached}.${process.pid}`, output);
    fs.renameSync(`${cached}.${process.pid}`, cached); // atomic: parallel starts never read half a file
  }
  module._compile(output, filename);
};
