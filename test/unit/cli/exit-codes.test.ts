/** `dif` exit codes (cli/shared/exit-codes.ts, re-exported by cli/dif.ts) are a contract for scripts: 0 ok · 1 run failed · 2 usage/input/config · 3 service down. */
import { EXIT, exitCodeFor } from '../../../cli/shared/exit-codes';
import { ServiceDownError } from '../../../adapters/health';
import { ConfigError } from '../../../core/validate';
import { InputError } from '../../../core/run-plan';
import { UnknownVendorError } from '../../../core/errors';
import { ServiceNotReadyError } from '../../../adapters/health';
import { CredentialValueError } from '../../../adapters/mysql/credentials';

describe('exitCodeFor', () => {
  test('the codes themselves', () => {
    expect(EXIT).toEqual({ ok: 0, runFailed: 1, usage: 2, serviceDown: 3 });
  });

  test('cli/dif.ts exports the same function', async () => {
    const dif = await import('../../../cli/dif');
    expect(dif.exitCodeFor).toBe(exitCodeFor);
  });

  test('ServiceDownError → 3', () => {
    const down = new ServiceDownError([{ name: 'mysql', address: '127.0.0.1:3306', up: false, fix: 'npm run services -- up mysql' }]);
    expect(exitCodeFor(down)).toBe(3);
  });

  test('ServiceNotReadyError (a database missing or not migrated) → 3', () => {
    expect(exitCodeFor(new ServiceNotReadyError('MySQL database "dif" does not exist'))).toBe(3);
  });

  test('CredentialValueError (an empty or oversized secret) → 2', () => {
    expect(exitCodeFor(new CredentialValueError('credential "k" is 9000 bytes'))).toBe(2);
  });

  test('commander ending with its own exit code 0 (--help) → 0; with 1 (no command given) → 2', () => {
    expect(exitCodeFor(Object.assign(new Error('(outputHelp)'), { code: 'commander.helpDisplayed', exitCode: 0 }))).toBe(0);
    expect(exitCodeFor(Object.assign(new Error('(outputHelp)'), { code: 'commander.help', exitCode: 1 }))).toBe(2);
  });

  test('ConfigError → 2', () => {
    expect(exitCodeFor(new ConfigError('x.json', [{ path: '$', message: 'bad' }]))).toBe(2);
  });

  test('InputError → 2', () => {
    expect(exitCodeFor(new InputError('bad date'))).toBe(2);
  });

  test('UnknownVendorError → 2', () => {
    expect(exitCodeFor(new UnknownVendorError('nope', '/vendors/nope/config.json', ['demo-ads']))).toBe(2);
  });

  test('a commander usage error → 2', () => {
    expect(exitCodeFor(Object.assign(new Error('unknown option'), { code: 'commander.unknownOption' }))).toBe(2);
  });

  test('any other error → 1', () => {
    expect(exitCodeFor(new Error('workflow failed'))).toBe(1);
    expect(exitCodeFor(new TypeError('oops'))).toBe(1);
    expect(exitCodeFor(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(1);
    expect(exitCodeFor('a thrown string')).toBe(1);
  });

  test('an error merely named like a known one is not mistaken for it', () => {
    const lookalike = Object.assign(new Error('x'), { name: 'ConfigError' });
    expect(exitCodeFor(lookalike)).toBe(1);
  });

  // Regression (was a bug): exitCodeFor calls `.code?.startsWith(...)` assuming a string code. gRPC errors from
  // the Temporal client carry a numeric code (e.g. 14 UNAVAILABLE), so exitCodeFor itself
  // throws "startsWith is not a function" inside the CLI's catch handler.
  test('an error with a numeric code (gRPC ServiceError) → 1', () => {
    expect(exitCodeFor(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toBe(1);
  });

  // Same line: `throw null` / `throw undefined` makes `(error).code` a TypeError.
  test('null or undefined thrown → 1', () => {
    expect(exitCodeFor(null)).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });
});
