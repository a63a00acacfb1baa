/**
 * Service health: a bare ECONNREFUSED must become a sentence that names the service and
 * the command that starts it. Settings are pinned explicitly so DIF_* variables in the
 * environment cannot change the expectations. The only network use is a connection
 * attempt to 127.0.0.1:1, which is refused locally.
 */
import { ServiceDownError, checkServices, explainConnectionError, requireServices, serviceAddresses } from '../../../adapters/health';
import { loadSettings, type Settings } from '../../../adapters/settings';

function settings(overrides: Partial<Settings> = {}): Settings {
  return loadSettings({
    temporalAddress: '127.0.0.1:7233',
    mysqlUrl: 'mysql://root@127.0.0.1:3306/dif',
    redisUrl: 'redis://127.0.0.1:6379/0',
    postgresUrl: 'postgres://postgres@127.0.0.1:5432/dif',
    objectStore: { kind: 'local', dir: '/tmp/objects' },
    kms: { kind: 'local', keyringFile: '/tmp/keyring.json' },
    ...overrides,
  });
}

describe('serviceAddresses', () => {
  test('host:port of each core service, with default ports filled in, and its fix', () => {
    const list = serviceAddresses(settings({ mysqlUrl: 'mysql://root@db.internal/dif' }));
    expect(list).toEqual([
      { name: 'temporal', address: '127.0.0.1:7233', fix: 'npm run services -- up temporal' },
      { name: 'mysql', address: 'db.internal:3306', fix: 'npm run services -- up mysql' },
      { name: 'redis', address: '127.0.0.1:6379', fix: 'npm run services -- up redis' },
      { name: 'postgres', address: '127.0.0.1:5432', fix: 'npm run services -- up postgres' },
    ]);
  });

  test('S3 and KMS are checked only when they have an endpoint', () => {
    const withEndpoints = serviceAddresses(
      settings({
        objectStore: { kind: 's3', bucket: 'dif', endpoint: 'http://127.0.0.1:7070', region: 'us-east-1', forcePathStyle: true },
        kms: { kind: 'aws', keyId: 'alias/dif', endpoint: 'https://kms.example.com', region: 'us-east-1' },
      }),
    );
    expect(withEndpoints.find((s) => s.name === 's3')).toEqual({ name: 's3', address: '127.0.0.1:7070', fix: 'npm run services -- up s3' });
    expect(withEndpoints.find((s) => s.name === 'kms')?.address).toBe('kms.example.com:443');

    const awsDefaults = serviceAddresses(
      settings({
        objectStore: { kind: 's3', bucket: 'dif', region: 'us-east-1', forcePathStyle: false },
        kms: { kind: 'aws', keyId: 'alias/dif', region: 'us-east-1' },
      }),
    );
    expect(awsDefaults.map((s) => s.name)).toEqual(['temporal', 'mysql', 'redis', 'postgres']);
  });
});

describe('explainConnectionError', () => {
  test('ECONNREFUSED on the MySQL port names mysql and its fix', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 3306,
    });
    expect(explainConnectionError(error, settings())).toBe(
      'mysql is not reachable at 127.0.0.1:3306 (ECONNREFUSED); start it with: npm run services -- up mysql',
    );
  });

  test('a plain object with code, address and port works too', () => {
    const message = explainConnectionError({ code: 'ECONNREFUSED', address: '127.0.0.1', port: 3306 }, settings());
    expect(message).toContain('mysql');
    expect(message).toContain('npm run services -- up mysql');
  });

  test('an AggregateError (IPv4 + IPv6 attempts) is explained from its first error', () => {
    const error = { code: 'ECONNREFUSED', errors: [{ code: 'ECONNREFUSED', address: '::1', port: 6379 }] };
    expect(explainConnectionError(error, settings())).toBe(
      'redis is not reachable at 127.0.0.1:6379 (ECONNREFUSED); start it with: npm run services -- up redis',
    );
  });

  test('without address/port, the service is found from the message', () => {
    const error = { code: 'ETIMEDOUT', message: 'connect ETIMEDOUT 127.0.0.1:5432' };
    expect(explainConnectionError(error, settings())).toBe(
      'postgres is not reachable at 127.0.0.1:5432 (ETIMEDOUT); start it with: npm run services -- up postgres',
    );
  });

  test('a connection error to something that is not a DIF service is left alone', () => {
    // e.g. the vendor's own API being down: not something `npm run services` can fix.
    expect(explainConnectionError({ code: 'ECONNREFUSED', address: '127.0.0.1', port: 8091 }, settings())).toBeUndefined();
  });

  test.each([
    ['an error without a code', new Error('boom')],
    ['a non-connection code', { code: 'ER_ACCESS_DENIED_ERROR', address: '127.0.0.1', port: 3306 }],
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ECONNREFUSED'],
  ])('%s → undefined', (_label, error) => {
    expect(explainConnectionError(error, settings())).toBeUndefined();
  });
});

describe('checkServices', () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  const downMysql = () => loadSettings({ mysqlUrl: 'mysql://root@127.0.0.1:1/x' });

  test('reports mysql down at its address with the fix', async () => {
    const checks = await checkServices(downMysql(), ['mysql']);
    expect(checks).toEqual([{ name: 'mysql', address: '127.0.0.1:1', up: false, fix: 'npm run services -- up mysql' }]);
  });

  test('checks only the services named', async () => {
    const checks = await checkServices(downMysql(), ['mysql']);
    expect(checks.map((c) => c.name)).toEqual(['mysql']);
  });

  test('requireServices throws ServiceDownError with one line per service down', async () => {
    let error: unknown;
    try {
      await requireServices(downMysql(), ['mysql']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceDownError);
    const e = error as ServiceDownError;
    expect(e.name).toBe('ServiceDownError');
    expect(e.down.map((d) => d.name)).toEqual(['mysql']);
    expect(e.message).toBe('mysql is not reachable at 127.0.0.1:1; start it with: npm run services -- up mysql');
  });
});
