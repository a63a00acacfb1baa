#!/usr/bin/env node
/**
 * `dif`: the operator's command line. Exit codes (stable, for scripts):
 *   0 success · 1 a run failed · 2 bad usage, input or config · 3 a service is down
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadSettings, projectRoot } from '../adapters/settings';
import { ServiceDownError } from '../adapters/health';
import { ConfigError } from '../interpreter/validate';
import { InputError } from '../interpreter/run-plan';
import { UnknownVendorError, VendorConfigs } from '../adapters/vendor-configs';
import { migrateMysql } from '../adapters/mysql/migrate';
import { ensurePostgresDatabase } from '../adapters/warehouse/postgres-loader';
import { createRuntime } from '../workers/wiring';
import { connectTemporal } from './temporal-client';
import { runIngestion } from './run-command';
import { configFiles, validateFiles } from './validate-command';
import { readSecret } from './read-secret';

export const EXIT = { ok: 0, runFailed: 1, usage: 2, serviceDown: 3 } as const;

const json = (value: unknown) => console.log(JSON.stringify(value));

function parseJsonOption(value: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (e) {
    throw new InvalidArgumentError(`expected a JSON object (${(e as Error).message})`);
  }
}

export function buildProgram(): Command {
  const program = new Command('dif').description('DIF, the Data Ingestion Framework').showHelpAfterError();
  const settings = () => loadSettings();

  program
    .command('run')
    .description('ingest one window of a vendor for a customer, and wait for it')
    .argument('<vendor>', 'vendor id (a folder in vendors/)')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .option('--stream <name...>', 'only these streams (default: all)')
    .option('--json', 'one JSON line per stream')
    .action(async (vendor: string, opts: { customer: string; from: string; to: string; stream?: string[]; json?: boolean }) => {
      const s = settings();
      const { client, close } = await connectTemporal(s);
      try {
        const outcomes = await runIngestion(client, s, new VendorConfigs(s.vendorsDir), {
          vendor,
          customer: opts.customer,
          window: { from: opts.from, to: opts.to },
          streams: opts.stream,
        });
        for (const o of outcomes) {
          if (opts.json) {
            json({ workflowId: o.workflowId, status: o.status, recordsFetched: o.recordsFetched, rowsLoaded: o.rowsLoaded, uiUrl: o.uiUrl, ...(o.error ? { error: o.error } : {}) });
          } else {
            console.log(`${o.status === 'COMPLETED' ? '✓' : '✗'} ${o.workflowId}: ${o.status.toLowerCase()}`);
            if (o.error) console.log(`  error: ${o.error}`);
            else console.log(`  ${o.recordsFetched} records fetched, ${o.rowsLoaded} rows loaded (${o.summary?.rowsReplaced ?? 0} replaced)`);
            console.log(`  ${o.uiUrl}`);
          }
        }
        process.exitCode = outcomes.every((o) => o.status === 'COMPLETED') ? EXIT.ok : EXIT.runFailed;
      } finally {
        await close();
      }
    });

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
        }
      }
      if (reports.length === 0) throw new InputError(`no config.json found under ${paths.join(', ')}`);
      process.exitCode = reports.every((r) => r.ok) ? EXIT.ok : EXIT.usage;
    });

  const db = program.command('db').description('databases');
  db.command('migrate')
    .description('create or upgrade the MySQL schema and create the warehouse database')
    .action(async () => {
      const s = settings();
      const applied = await migrateMysql(s.mysqlUrl, path.join(projectRoot(), 'migrations', 'mysql'));
      await ensurePostgresDatabase(s.postgresUrl);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema up to date');
    });

  const customers = program.command('customers').description('customers and the vendors they use');
  customers
    .command('add')
    .argument('<id>', 'customer id')
    .requiredOption('--name <name>', 'display name')
    .action(async (id: string, opts: { name: string }) => {
      const runtime = createRuntime(settings());
      try {
        await runtime.deps.customers.upsertCustomer(id, opts.name);
      } finally {
        await runtime.close();
      }
    });
  customers
    .command('set-vendor')
    .description("set a customer's inputs (and overrides) for a vendor")
    .argument('<customer>')
    .argument('<vendor>')
    .requiredOption('--inputs <json>', 'the inputs the vendor config declares, as a JSON object', parseJsonOption)
    .option('--overrides <json>', 'per-customer overrides (baseUrl, headers, semaphore)', parseJsonOption, {})
    .action(async (customer: string, vendor: string, opts: { inputs: Record<string, unknown>; overrides: Record<string, unknown> }) => {
      const s = settings();
      new VendorConfigs(s.vendorsDir).load(vendor);
      const runtime = createRuntime(s);
      try {
        await runtime.deps.customers.upsertCustomerVendor(customer, vendor, opts.inputs, opts.overrides);
      } finally {
        await runtime.close();
      }
    });

  const credentials = program.command('credentials').description('encrypted secrets (values are never printed)');
  credentials
    .command('set')
    .description('store a secret, read from stdin or a hidden prompt')
    .argument('<vendor>')
    .argument('<name>', 'secret name the vendor config refers to, e.g. api_key')
    .requiredOption('--customer <id>')
    .action(async (vendor: string, name: string, opts: { customer: string }) => {
      const value = await readSecret(`${name} for ${opts.customer}/${vendor}: `);
      const runtime = createRuntime(settings());
      try {
        await runtime.deps.credentials.set({ customerId: opts.customer, vendor, name }, value);
        console.log(`stored ${name} for ${opts.customer}/${vendor}`);
      } finally {
        await runtime.close();
      }
    });
  credentials
    .command('list')
    .option('--customer <id>')
    .option('--vendor <vendor>')
    .option('--json')
    .action(async (opts: { customer?: string; vendor?: string; json?: boolean }) => {
      const runtime = createRuntime(settings());
      try {
        const list = await runtime.deps.credentials.list({ customerId: opts.customer, vendor: opts.vendor });
        for (const c of list) {
          if (opts.json) json(c);
          else console.log(`${c.customerId}\t${c.vendor}\t${c.name}\t${c.keyId}\t${c.updatedAt}`);
        }
      } finally {
        await runtime.close();
      }
    });
  credentials
    .command('delete')
    .argument('<vendor>')
    .argument('<name>')
    .requiredOption('--customer <id>')
    .action(async (vendor: string, name: string, opts: { customer: string }) => {
      const runtime = createRuntime(settings());
      try {
        const deleted = await runtime.deps.credentials.delete({ customerId: opts.customer, vendor, name });
        console.log(deleted ? `deleted ${name} for ${opts.customer}/${vendor}` : `no ${name} for ${opts.customer}/${vendor}`);
      } finally {
        await runtime.close();
      }
    });

  return program;
}

/** Maps an error to the exit code scripts rely on, with a message a person can act on. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ServiceDownError) return EXIT.serviceDown;
  if (error instanceof ConfigError || error instanceof InputError || error instanceof UnknownVendorError) return EXIT.usage;
  if ((error as { code?: string }).code?.startsWith('commander.')) return EXIT.usage;
  return EXIT.runFailed;
}

if (require.main === module) {
  buildProgram()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      const code = (e as { code?: string }).code;
      if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') process.exit(0);
      if (!code?.startsWith('commander.')) console.error(`dif: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(exitCodeFor(e));
    });
}
