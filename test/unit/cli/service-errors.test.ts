/** Driver errors become sentences naming the service, where DIF looked, and the fix (cli/shared/service-errors.ts). */
import { ServiceDownError, ServiceNotReadyError } from '../../../adapters/health';
import { loadSettings } from '../../../adapters/settings';
import { explainServiceError } from '../../../cli/shared/service-errors';
import { positiveInt } from '../../../cli/shared/options';
import { InputError } from '../../../core/run-plan';

const settings = loadSettings({
  temporalAddress: '127.0.0.1:7233',
  mysqlUrl: 'mysql://dif:s3cret-pw@db.internal:3307/dif_prod',
  redisUrl: 'redis://127.0.0.1:6379/0',
  postgresUrl: 'postgres://postgres:pg-pw@127.0.0.1:5432/warehouse',
  objectStore: { kind: 'local', dir: '/tmp/objects' },
  kms: { kind: 'local', keyringFile: '/tmp/keyring.json' },
});

test('ECONNREFUSED on the MySQL address: ServiceDownError naming mysql and its fix', () => {
  const e = explainServiceError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3307'), { code: 'ECONNREFUSED', address: '10.0.0.5', port: 3307 }), settings);
  expect(e).toBeInstanceOf(ServiceDownError);
  expect((e as Error).message).toBe('mysql is not reachable at db.internal:3307; start it with: npm run services -- up mysql');
});

test('an unknown MySQL database: dif db migrate, and no password in the message', () => {
  const e = explainServiceError(Object.assign(new Error("Unknown database 'dif_prod'"), { code: 'ER_BAD_DB_ERROR', errno: 1049 }), settings);
  expect(e).toBeInstanceOf(ServiceNotReadyError);
  expect((e as Error).message).toBe('MySQL database "dif_prod" does not exist at db.internal:3307 (DIF_MYSQL_URL); create it with: dif db migrate');
  expect((e as Error).message).not.toContain('s3cret-pw');
});

test('a missing table: the database is not migrated', () => {
  const e = explainServiceError(
    Object.assign(new Error('x'), { code: 'ER_NO_SUCH_TABLE', errno: 1146, sqlMessage: "Table 'dif_prod.credentials' doesn't exist" }),
    settings,
  );
  expect((e as Error).message).toBe(`MySQL database "dif_prod" at db.internal:3307 is not migrated (Table 'dif_prod.credentials' doesn't exist); run: dif db migrate`);
});

test('a missing warehouse database (pg 3D000)', () => {
  const e = explainServiceError(Object.assign(new Error('database "warehouse" does not exist'), { code: '3D000', severity: 'FATAL' }), settings);
  expect((e as Error).message).toBe('warehouse database "warehouse" does not exist at 127.0.0.1:5432 (DIF_POSTGRES_URL); create it with: dif db migrate');
  expect((e as Error).message).not.toContain('pg-pw');
});

test('anything else passes through as it is', () => {
  const other = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });
  expect(explainServiceError(other, settings)).toBe(other);
  const elsewhere = Object.assign(new Error('refused'), { code: 'ECONNREFUSED', address: '10.9.9.9', port: 9999 }); // no DIF service there
  expect(explainServiceError(elsewhere, settings)).toBe(elsewhere);
  expect(explainServiceError(undefined, settings)).toBeUndefined();
});

test('positiveInt: whole numbers in range, the option named otherwise', () => {
  expect(positiveInt('4', '--parallel', 50)).toBe(4);
  expect(positiveInt('50', '--parallel', 50)).toBe(50);
  for (const bad of ['0', '51', '-1', '2.5', '1e3', '', 'four', '0x10']) {
    expect(() => positiveInt(bad, '--parallel', 50)).toThrow(new InputError(`--parallel must be a whole number from 1 to 50, got "${bad}"`));
  }
});
