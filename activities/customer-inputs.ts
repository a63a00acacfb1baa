import type { VendorConfig } from '../core/config-schema';
import { finalFailure } from './failures';

/**
 * A customer's inputs against what the vendor's config declares: each required one there
 * and not empty, lists only where a list is declared, integers that are integers. Shared by
 * a run (prepareRun) and `dif check`, so both refuse the same customer the same way.
 */
export function checkCustomerInputs(config: VendorConfig, customer: string, inputs: Record<string, unknown>): void {
  for (const input of config.inputs) {
    const value = Object.hasOwn(inputs, input.name) ? inputs[input.name] : undefined;
    const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (empty && input.required !== false) {
      throw finalFailure('InputError', `customer "${customer}" lacks input "${input.name}" required by ${config.vendor}`);
    }
    if (Array.isArray(value) && input.type !== 'list') {
      throw finalFailure('InputError', `input "${input.name}" of customer "${customer}" is a list; ${config.vendor} declares it of type ${input.type}`);
    }
    if (value !== undefined && input.type === 'integer' && !/^-?\d+$/.test(String(value))) {
      throw finalFailure('InputError', `input "${input.name}" of customer "${customer}" must be an integer`);
    }
  }
}
