// Lets a child process run the TypeScript sources directly (`node -r ./test/setup/ts-register.js x.ts`),
// transpiled with the project's own TypeScript, for tests that kill a process mid-way.
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};
