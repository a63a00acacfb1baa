import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../core/run-plan';
import { listGetOperations, scaffoldConfig } from '../../core/scaffold/scaffold';
import { checkVendorConfig } from '../../core/validate';
import { EXIT } from '../shared/exit-codes';
import { readSpec } from './read-spec';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `dif scaffold --openapi`: a first vendor config from an OpenAPI 3 document. */
export function registerScaffold(program: Command): void {
  program
    .command('scaffold')
    .description('a first vendor config from an OpenAPI 3 document; every guess marked in its notes')
    .requiredOption('--openapi <file>', 'the OpenAPI 3 document (.json, .yaml or .yml)')
    .option('--operation <operationId>', 'a GET operation to make a stream of (repeatable); without it, the GET operations are listed', collect, [])
    .option('--vendor <name>', 'vendor id (default: from the document title)')
    .option('--out <dir>', 'write <dir>/vendors/<vendor>/config.json instead of printing it')
    .action((opts: { openapi: string; operation: string[]; vendor?: string; out?: string }) => {
      const document = readSpec(opts.openapi);
      if (opts.operation.length === 0) {
        const operations = listGetOperations(document, opts.openapi);
        console.log(`${opts.openapi}: ${operations.length} GET operations; choose with --operation <operationId> (repeatable):`);
        for (const o of operations) console.log(`  ${o.id}  GET ${o.path}${o.summary ? `  ${o.summary}` : ''}`);
        process.exitCode = EXIT.usage;
        return;
      }
      if (opts.vendor !== undefined && !/^[a-z][a-z0-9-]*$/.test(opts.vendor))
        throw new InputError(`--vendor ${JSON.stringify(opts.vendor)}: a vendor id is lower-case letters, digits and hyphens, starting with a letter`);
      const config = scaffoldConfig(document, { file: opts.openapi, operations: opts.operation, vendor: opts.vendor });
      // The scaffold's own promise: what it writes passes `dif validate`.
      checkVendorConfig(config, `scaffold of ${opts.openapi}`, config.vendor);
      const text = `${JSON.stringify(config, null, 2)}\n`;
      if (opts.out === undefined) {
        process.stdout.write(text);
        return;
      }
      const target = path.join(opts.out, 'vendors', config.vendor, 'config.json');
      if (fs.existsSync(target)) throw new InputError(`${target} exists already; dif scaffold never overwrites a config (move it or choose another --out or --vendor)`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text, { flag: 'wx' });
      console.log(`wrote ${target}: check the guesses in api.notes and each stream's description, then dif validate ${path.dirname(target)}`);
    });
}
