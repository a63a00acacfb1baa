import { InvalidArgumentError, type Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { ensurePiiKey } from '../../adapters/mysql/pii-keys';
import { registerPiiEncryption } from './pii-encryption';
import { InputError } from '../../core/run-plan';
import { withRuntime } from '../shared/runtime';

function parseJsonOption(value: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(value);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (e) {
    throw new InvalidArgumentError(`expected a JSON object (${(e as Error).message})`);
  }
}

/** `dif customers`: customers and the vendors they use. */
export function registerCustomers(program: Command): void {
  const customers = program.command('customers').description('customers and the vendors they use');
  customers
    .command('add')
    .argument('<id>', 'customer id')
    .requiredOption('--name <name>', 'display name')
    .option('--clean-room', "run this customer's fetch and preprocess in its own clean room (README: Clean room)")
    .action((id: string, opts: { name: string; cleanRoom?: boolean }) =>
      withRuntime((runtime) => runtime.deps.customers.upsertCustomer(id, opts.name, opts.cleanRoom ? { cleanRoom: true } : {})),
    );
  customers
    .command('set-vendor')
    .description("set a customer's inputs (and overrides) for a vendor")
    .argument('<customer>')
    .argument('<vendor>')
    .requiredOption('--inputs <json>', 'the inputs the vendor config declares, as a JSON object', parseJsonOption)
    .option('--overrides <json>', 'per-customer overrides (baseUrl, headers, semaphore)', parseJsonOption, {})
    .action(async (customer: string, vendor: string, opts: { inputs: Record<string, unknown>; overrides: Record<string, unknown> }) => {
      const s = loadSettings();
      new VendorConfigs(s.vendorsDir).load(vendor);
      await withRuntime(async (runtime) => {
        try {
          await runtime.deps.customers.upsertCustomerVendor(customer, vendor, opts.inputs, opts.overrides);
        } catch (e) {
          // The foreign key to customers: MySQL's own words ("a foreign key constraint fails") do not say which.
          if ((e as { code?: unknown }).code === 'ER_NO_REFERENCED_ROW_2') throw new InputError(`no customer "${customer}"; add it first with: dif customers add ${customer} --name …`);
          throw e;
        }
      }, s);
    });
  customers
    .command('clean-room')
    .description("mark a customer, or one vendor of it, clean-room or not")
    .argument('<customer>')
    .argument('<state>', 'on, off, or (with --vendor) inherit', (v) => {
      if (!['on', 'off', 'inherit'].includes(v)) throw new InvalidArgumentError('expected on, off or inherit');
      return v;
    })
    .option('--vendor <vendor>', 'only this vendor of the customer')
    .action(async (customer: string, state: string, opts: { vendor?: string }) => {
      if (state === 'inherit' && !opts.vendor) throw new InputError('inherit applies to one vendor: add --vendor');
      await withRuntime(async (runtime) => {
        if (opts.vendor) await runtime.deps.customers.setVendorCleanRoom(customer, opts.vendor, state === 'inherit' ? null : state === 'on');
        else await runtime.deps.customers.setCleanRoom(customer, state === 'on');
      });
    });
  customers
    .command('pii-key')
    .description("create the customer's PII key (pseudonym columns are HMACed under it) unless it exists; never replaces one")
    .argument('<customer>')
    .action((customer: string) =>
      withRuntime(async (runtime) => {
        const outcome = await ensurePiiKey(runtime.deps.credentials, customer);
        console.log(outcome === 'created' ? `created the PII key of ${customer}` : `${customer} already has a PII key; kept it`);
      }),
    );
  registerPiiEncryption(customers);
}
