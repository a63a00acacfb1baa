import path from 'node:path';
import type { Command } from 'commander';
import { projectRoot } from '../../adapters/settings';
import { InputError } from '../../core/run-plan';
import { configFiles, validateFiles } from './validate';
import { EXIT } from '../shared/exit-codes';

const json = (value: unknown) => console.log(JSON.stringify(value));

/** `dif validate`: check vendor configs. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check vendor configs; every problem with its JSON path')
    .argument('[paths...]', 'config files or folders', [path.join(projectRoot(), 'vendors')])
    .option('--json', 'one JSON line per file')
    .action((paths: string[], opts: { json?: boolean }) => {
      const reports = validateFiles(configFiles(paths));
      for (const r of reports) {
        if (opts.json) json(r);
        else {
          console.log(`${r.ok ? '✓' : '✗'} ${r.file}`);
          for (const p of r.problems) console.log(`  ${p.path}: ${p.message}`);
          for (const w of r.warnings ?? []) console.log(`  warning: ${w.path}: ${w.message}`);
        }
      }
      if (reports.length === 0) throw new InputError(`no config.json found under ${paths.join(', ')}`);
      process.exitCode = reports.every((r) => r.ok) ? EXIT.ok : EXIT.usage;
    });
}
