/** The first records of a stored JSON page, picked by the step's `records` expression as the CSV writer picks them. */
import type { StepConfig } from '../../core/config-schema';
import { usingScope } from '../../runtime/expression/expression';

/** Undefined when the page is not JSON (CSV, XML…: the CSV preview shows those) or `records` cannot read it. */
export function firstRecords(text: string, step: StepConfig, limit: number): unknown[] | undefined {
  const format = 'decode' in step ? (step.decode?.format ?? 'json') : 'json';
  if (format !== 'json') return undefined;
  let response: unknown;
  try {
    response = JSON.parse(text);
  } catch {
    return undefined;
  }
  const records = 'records' in step && step.records ? step.records : 'response';
  try {
    const picked = usingScope({ response }, (scope) => scope.evaluate(records, 'records'));
    return Array.isArray(picked) ? picked.slice(0, limit) : undefined;
  } catch {
    return undefined;
  }
}
