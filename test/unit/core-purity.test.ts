/**
 * The purity rule (README: Architecture): every file under core/, and every grammar.ts,
 * plan.ts and validate.ts under steps/ and auth/ (with their pure registries and kind types: registry.ts, kind.ts,
 * grammar-registry.ts, kind-grammar.ts), imports only other such files and a
 * short list of packages that do no I/O. So workflow code can import any of them, and
 * the grammar, plans and decisions can be tested without a service, a clock or a thread.
 *
 * Imports are read with the TypeScript compiler's own pre-processor (static imports,
 * re-exports, `import type`, `require` and `import()` alike: a type-only import of a
 * runtime file is refused too, as it ties the core to the runtime's shape) and followed
 * transitively from each pure file.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Packages a pure file may import, each because it does no I/O and keeps no hidden state:
 *  - @sinclair/typebox: builds the grammar's JSON Schemas and checks values against them
 *    (`/value`); plain objects and functions.
 *  - acorn: the JavaScript parser that proves an expression is exactly one expression;
 *    text in, syntax tree out.
 */
const PURE_PACKAGES = new Set(['@sinclair/typebox', 'acorn']);

/** The files the rule covers: under core/, and the pure pieces of step and auth kinds (matched by name, so new kinds are covered as they land). */
function pureRoots(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, take: (file: string) => boolean) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, take);
      else if (take(entry.name)) files.push(full);
    }
  };
  walk(path.join(root, 'core'), (name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts'));
  for (const folder of ['steps', 'auth']) walk(path.join(root, folder), (name) => /^(grammar|plan|validate|registry|kind|kind-grammar|grammar-registry)\.ts$/.test(name));
  return files;
}

function isPure(root: string, file: string): boolean {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'core') return true;
  return (rel[0] === 'steps' || rel[0] === 'auth') && /^(grammar|plan|validate|registry|kind|kind-grammar|grammar-registry)\.ts$/.test(rel[rel.length - 1]);
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec) || builtinModules.includes(spec.split('/')[0]);

/** Every import that breaks the rule, as "file imports 'x': why", following pure files' imports transitively. */
function impurities(root: string, roots: string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.json')) continue; // data: nothing to import
    const at = path.relative(root, file);
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (!target) problems.push(`${at} imports '${spec}': no such file`);
        else if (!isPure(root, target)) problems.push(`${at} imports '${spec}' (${path.relative(root, target)}): outside the pure core`);
        else queue.push(target);
      } else if (isBuiltin(spec)) {
        problems.push(`${at} imports '${spec}': a Node built-in (I/O, threads or native state) has no place in the pure core`);
      } else if (!PURE_PACKAGES.has(packageOf(spec))) {
        problems.push(`${at} imports '${spec}': package ${packageOf(spec)} is not on the list of pure packages (test/unit/core-purity.test.ts)`);
      }
    }
  }
  return problems;
}

describe('the pure core', () => {
  test('no file of core/ (nor a grammar, plan or validate of a step or auth kind) imports I/O, a runtime file or an unlisted package', () => {
    const roots = pureRoots(ROOT);
    expect(roots.length).toBeGreaterThan(20);
    expect(impurities(ROOT, roots)).toEqual([]);
  });

  test('the check names the file and the import: a built-in, a runtime file reached transitively, an unlisted package', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purity-'));
    try {
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      write('core/a.ts', "import { b } from './b';\nimport type { TSchema } from '@sinclair/typebox';\nexport const a = b;\n");
      write('core/b.ts', "import { readFileSync } from 'fs';\nexport { x as b } from '../runtime/x';\n");
      write('runtime/x.ts', "import 'node:net';\nexport const x = 1;\n");
      write('steps/paged/plan.ts', "import { a } from '../../core/a';\nimport left from 'left-pad';\nexport const p = [a, left];\n");
      write('steps/paged/activities.ts', "import 'node:http';\n"); // runtime: not covered
      expect(impurities(dir, pureRoots(dir)).sort()).toEqual([
        "core/b.ts imports '../runtime/x' (runtime/x.ts): outside the pure core",
        "core/b.ts imports 'fs': a Node built-in (I/O, threads or native state) has no place in the pure core",
        "steps/paged/plan.ts imports 'left-pad': package left-pad is not on the list of pure packages (test/unit/core-purity.test.ts)",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
