import { InvalidArgumentError, type Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { createRuntime } from '../../workers/wiring';

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
    .action(async (id: string, opts: { name: string }) => {
      const runtime = createRuntime(loadSettings());
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
      const s = loadSettings();
      new VendorConfigs(s.vendorsDir).load(vendor);
      const runtime = createRuntime(s);
      try {
        await runtime.deps.customers.upsertCustomerVendor(customer, vendor, opts.inputs, opts.overrides);
      } finally {
        await runtime.close();
      }
    });
}
