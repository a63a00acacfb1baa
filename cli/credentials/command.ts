import type { Command } from 'commander';
import { LocalKeyring } from '../../adapters/kms';
import { CredentialValueError, MAX_SECRET_BYTES } from '../../adapters/mysql/credentials';
import { InputError } from '../../core/run-plan';
import { readSecret } from '../shared/read-secret';
import { withRuntime } from '../shared/runtime';
import { printJson } from '../shared/render';
import { EXIT } from '../shared/exit-codes';

/** `dif credentials`: encrypted secrets; values are never printed. */
export function registerCredentials(program: Command): void {
  const credentials = program.command('credentials').description('encrypted secrets (values are never printed)');
  credentials
    .command('set')
    .description(`store a secret (at most ${MAX_SECRET_BYTES} bytes), read from stdin or a hidden prompt`)
    .argument('<vendor>')
    .argument('<name>', 'secret name the vendor config refers to, e.g. api_key')
    .requiredOption('--customer <id>')
    .option('--json', 'one JSON line')
    .action(async (vendor: string, name: string, opts: { customer: string; json?: boolean }) => {
      const value = await readSecret(`${name} for ${opts.customer}/${vendor}: `, MAX_SECRET_BYTES);
      // Refused before any service is touched; the store checks again for its other callers.
      if (!value) throw new CredentialValueError(`credential "${name}" for customer ${opts.customer} and vendor ${vendor} must not be empty: pipe it on standard input or type it at the prompt`);
      await withRuntime(async (runtime) => {
        await runtime.deps.credentials.set({ customerId: opts.customer, vendor, name }, value);
      });
      if (opts.json) printJson({ customer: opts.customer, vendor, name, stored: true });
      else console.log(`stored ${name} for ${opts.customer}/${vendor}`);
    });
  credentials
    .command('list')
    .option('--customer <id>')
    .option('--vendor <vendor>')
    .option('--json')
    .action((opts: { customer?: string; vendor?: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const list = await runtime.deps.credentials.list({ customerId: opts.customer, vendor: opts.vendor });
        for (const c of list) {
          if (opts.json) printJson(c);
          else console.log(`${c.customerId}\t${c.vendor}\t${c.name}\t${c.keyId}\t${c.updatedAt}`);
        }
      }),
    );
  credentials
    .command('rotate')
    .description('re-encrypt secrets under the current KMS key, a fresh data key each; safe while ingestions run')
    .option('--customer <id>')
    .option('--vendor <vendor>')
    .option('--new-master-key', 'local keyring only: add a new master key first (AWS KMS rotates its keys itself, or set DIF_KMS_KEY_ID)')
    .option('--json')
    .action((opts: { customer?: string; vendor?: string; json?: boolean; newMasterKey?: boolean }) =>
      withRuntime(async (runtime) => {
        if (opts.newMasterKey) {
          if (!(runtime.kms instanceof LocalKeyring)) throw new InputError('--new-master-key applies to the local keyring only (DIF_KMS=local)');
          await runtime.kms.rotate();
        }
        const keyId = await runtime.kms.currentKeyId();
        const report = await runtime.deps.credentials.rotate({ customerId: opts.customer, vendor: opts.vendor });
        if (opts.json) printJson({ keyId, ...report });
        else {
          console.log(`rotated ${report.rotated} secret(s) to ${keyId}; ${report.skipped} changed meanwhile; ${report.failed.length} failed`);
          for (const f of report.failed) console.log(`  failed: ${f.customerId}/${f.vendor}/${f.name}: ${f.error}`);
        }
        if (report.failed.length) process.exitCode = EXIT.runFailed;
      }),
    );
  credentials
    .command('delete')
    .argument('<vendor>')
    .argument('<name>')
    .requiredOption('--customer <id>')
    .option('--json', 'one JSON line')
    .action((vendor: string, name: string, opts: { customer: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const deleted = await runtime.deps.credentials.delete({ customerId: opts.customer, vendor, name });
        if (opts.json) printJson({ customer: opts.customer, vendor, name, deleted });
        else console.log(deleted ? `deleted ${name} for ${opts.customer}/${vendor}` : `no ${name} for ${opts.customer}/${vendor}`);
      }),
    );
}
