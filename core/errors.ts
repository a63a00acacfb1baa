/**
 * DIF's error registry: which failure type each of DIF's error classes leaves an activity
 * as. One table, read by one function in the runtime (activities/failures.ts `toFailure`),
 * which the activity wrapper applies to everything an activity throws; whether the type is
 * retried is stated once per type in failure-types.ts, which the workflow's retry policies
 * read too. An error of a class not listed here leaves as itself (Temporal: its name as the
 * type, retryable), and activities that give a class another meaning where it happens (an
 * expression over a vendor's page failing is bad data, not a bad config) still say so there.
 *
 * The error classes that the core's own files throw stay beside them (ConfigError in
 * validate.ts, InputError in run-plan.ts); the ones below are thrown by adapters and the
 * runtime, and live here so this table, and the core, can name them without importing I/O.
 */
import { FAILURE_TYPES, type FailureType } from './failure-types';
import { InputError } from './run-plan';
import { ConfigError } from './validate';

/** A config expression failed (threw, timed out, ran out of memory): the same config and data fail the same way again. */
export class ExpressionError extends Error {
  constructor(
    readonly where: string,
    readonly expression: string,
    reason: string,
  ) {
    super(`${where}: expression ${JSON.stringify(shortened(expression))} failed: ${shortened(reason)}`);
    this.name = 'ExpressionError';
  }
}

/** Long expressions and reasons are cut: the message goes to history and the Web UI. */
function shortened(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}… (${text.length} characters)` : text;
}

/** No config for this vendor name (adapters/vendor-configs.ts). */
export class UnknownVendorError extends Error {
  constructor(vendor: string, file: string, known: string[]) {
    super(`unknown vendor "${vendor}": no ${file}; known vendors: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownVendorError';
  }
}

/** The input is wrong in a way no retry fixes (adapters/csv-output/preprocess.ts): the message names the file and what is wrong. */
export class InputDataError extends Error {
  override name = 'InputDataError';
}

/** A `fail` data check (core/data-checks.ts) that did not hold: nothing of the load was written. */
export class DataCheckError extends InputDataError {
  override name = 'DataCheckError';
}

/** The customer's PII key is missing (adapters/mysql/pii-keys.ts): no retry helps, someone has to create it. */
export class MissingPiiKeyError extends Error {
  override name = 'MissingPiiKeyError';
}

/** The warehouse table's columns disagree with the config in a way DIF will not change by itself (adapters/warehouse/table-evolution.ts). */
export class TableShapeError extends Error {
  override name = 'TableShapeError';
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The registry. A subclass is found through its parent (CustomerValueError is an InputError). */
export const ERROR_FAILURES: ReadonlyArray<readonly [ErrorClass, FailureType]> = [
  [ConfigError, 'ConfigError'],
  [UnknownVendorError, 'UnknownVendorError'],
  [InputError, 'InputError'],
  [MissingPiiKeyError, 'InputError'],
  [InputDataError, 'DataError'],
  [ExpressionError, 'ExpressionError'],
  [TableShapeError, 'TableShapeError'],
];

/** The failure type and retryability of one of DIF's errors; undefined for any other value. */
export function failureOf(error: unknown): { type: FailureType; retryable: boolean } | undefined {
  const entry = ERROR_FAILURES.find(([errorClass]) => error instanceof errorClass);
  return entry && { type: entry[1], retryable: FAILURE_TYPES[entry[1]].retryable };
}
