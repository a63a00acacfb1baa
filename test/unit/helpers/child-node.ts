/**
 * For the few unit tests that must run code in a separate Node process: a case that hangs or
 * crashes the process when the code is wrong, or one that needs a different time zone
 * (jest gives each test file its own copy of process.env, so setting TZ in a test does not
 * reach the runtime). The modules under test are transpiled (no type check) to a temp folder.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..');

/** Transpiles `modules` (paths from the repo root, without .ts) into a fresh temp folder, keeping their layout. */
export function transpileToTemp(modules: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dif-unit-child-'));
  for (const mod of modules) {
    if (fs.existsSync(path.join(ROOT, `${mod}.js`))) {
      // Plain JavaScript modules (the sandbox thread) are copied as they are.
      fs.mkdirSync(path.dirname(path.join(dir, `${mod}.js`)), { recursive: true });
      fs.copyFileSync(path.join(ROOT, `${mod}.js`), path.join(dir, `${mod}.js`));
      continue;
    }
    const source = fs.readFileSync(path.join(ROOT, `${mod}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const out = path.join(dir, `${mod}.js`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, outputText);
  }
  return dir;
}

export interface ChildResult {
  /** null when the child was killed for running past `timeoutMs`. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `program` with `node -e`, killed after `timeoutMs`. */
export function runNode(program: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}): ChildResult {
  const r = spawnSync(process.execPath, ['-e', program], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 4000,
    env: { ...process.env, ...options.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
