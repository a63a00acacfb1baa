/**
 * The error registry (core/errors.ts) read by `toFailure` (activities/failures.ts): each of
 * DIF's error classes leaves an activity as its failure type, final or not as
 * core/failure-types.ts says, with its message unchanged; anything else passes through as
 * it is. The workflow's retry policies stop on exactly the final types.
 */
import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../../activities/failures';
import { ExpressionError, InputDataError, MissingPiiKeyError, TableShapeError, UnknownVendorError } from '../../../core/errors';
import { FAILURE_TYPES, NON_RETRYABLE } from '../../../core/failure-types';
import { InputError } from '../../../core/run-plan';
import { ConfigError } from '../../../core/validate';
import { CustomerValueError } from '../../../runtime/customer-values';

const CASES: [string, Error, string, boolean][] = [
  ['ConfigError', new ConfigError('vendors/x/config.json', [{ path: '$.streams', message: 'required' }]), 'ConfigError', true],
  ['UnknownVendorError', new UnknownVendorError('nope', '/vendors/nope/config.json', ['demo-ads']), 'UnknownVendorError', true],
  ['InputError', new InputError('customer "a b" may only hold letters'), 'InputError', true],
  ['CustomerValueError (an InputError)', new CustomerValueError('acme', 'demo-ads', 'baseUrl', 'must be https'), 'InputError', true],
  ['MissingPiiKeyError', new MissingPiiKeyError('customer acme has no PII key'), 'InputError', true],
  ['InputDataError', new InputDataError('page 1 is not JSON'), 'DataError', true],
  ['ExpressionError', new ExpressionError('$.streams.s.records', 'response.x.y', 'cannot read y'), 'ExpressionError', true],
  ['TableShapeError', new TableShapeError('column clicks is bigint in the table, string in the config'), 'TableShapeError', true],
];

describe('toFailure', () => {
  test.each(CASES)('%s leaves as %s', (_name, error, type, nonRetryable) => {
    const failure = toFailure(error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, message: error.message, nonRetryable });
  });

  test('any other error, and a failure already built, pass through unchanged (and stay retryable)', () => {
    const plain = new Error('ECONNRESET');
    expect(toFailure(plain)).toBe(plain);
    const typeError = new TypeError('x is undefined');
    expect(toFailure(typeError)).toBe(typeError);
    const built = ApplicationFailure.create({ type: 'VendorError', message: 'answered 503', nonRetryable: false });
    expect(toFailure(built)).toBe(built);
    expect(NON_RETRYABLE).not.toContain('Error');
    expect(NON_RETRYABLE).not.toContain('TypeError');
  });
});

describe('failure types', () => {
  test('the retry policies stop on exactly the final types, those of the registry included', () => {
    const final = Object.entries(FAILURE_TYPES).filter(([, t]) => !t.retryable).map(([type]) => type);
    expect(NON_RETRYABLE).toEqual(final);
    for (const [, , type] of CASES) expect(NON_RETRYABLE).toContain(type);
    for (const retryable of ['VendorError', 'VendorThrottled', 'VendorUnavailable', 'SemaphoreBusy', 'TableBusy', 'SourceUnavailable', 'ServiceUnavailable', 'FileChanging']) {
      expect(NON_RETRYABLE).not.toContain(retryable);
    }
  });
});
