/**
 * `node -r ./test/child/ts-hook.js some.ts`: runs the project's TypeScript in a child
 * process, transpiled file by file with the TypeScript compiler the project already has.
 * Tests need real worker processes (to SIGKILL one, to capture all it logs) and neither
 * ts-node nor a fresh `npm run build` is at hand in a test run; type checking is `tsc`'s job.
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = function compileTs(module, filename) {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
  });
  module._compile(outputText, filename);
};
