/**
 * Before `dif run`, `backfill` or `schedule create` start anything: the customer exists and
 * is set up for the vendor. A typo otherwise starts workflows that each fail in prepareRun.
 */
import type { CustomerRepository } from '../../adapters/mysql/customers';
import { InputError } from '../../core/run-plan';

export async function requireCustomerVendor(customers: CustomerRepository, customer: string, vendor: string): Promise<void> {
  const found = await customers.findCustomerVendor(customer, vendor);
  if (!found) {
    throw new InputError(
      `customer "${customer}" is not set up for vendor "${vendor}" in MySQL; add it with: dif customers add ${customer} --name …, then dif customers set-vendor ${customer} ${vendor} --inputs '{…}'`,
    );
  }
  if (!found.enabled) throw new InputError(`vendor "${vendor}" is disabled for customer "${customer}"; enable it with: dif customers set-vendor ${customer} ${vendor} --inputs '{…}'`);
}
