/** The clean-room worker's two guards around every activity, without Temporal. */
import { ApplicationFailure } from '@temporalio/common';
import { onlyFor, sameStore, withheldFailures } from '../../../workers/clean-room';

const ok = async (input: unknown) => input;

test('work of another customer is refused, final, naming both', async () => {
  const guarded = onlyFor('acme', ok as (...args: unknown[]) => Promise<unknown>);
  await expect(guarded({ run: { customer: 'acme' } })).resolves.toEqual({ run: { customer: 'acme' } });
  const refused = await guarded({ run: { customer: 'globex' } }).catch((e: ApplicationFailure) => e);
  expect(refused).toBeInstanceOf(ApplicationFailure);
  expect(refused).toMatchObject({ type: 'ConfigError', nonRetryable: true });
  expect((refused as Error).message).toMatch(/clean room of customer "acme" was sent work of customer "globex"/);
});

test('failures keep their type and retry policy, and lose personal data', async () => {
  const failing = withheldFailures(async () => {
    throw ApplicationFailure.create({ type: 'VendorError', message: 'GET /x answered 429: {"user":"ada@example.com"}', nonRetryable: false, nextRetryDelay: 1500 });
  });
  const e = (await failing().catch((x: ApplicationFailure) => x)) as ApplicationFailure;
  expect(e).toMatchObject({ type: 'VendorError', nonRetryable: false });
  expect(e.nextRetryDelay).toBeDefined();
  expect(e.message).toBe("GET /x answered 429 (body withheld in the clean room; the customer's worker log has it)");

  const plain = withheldFailures(async () => {
    throw new TypeError('cannot read "ada@example.com"');
  });
  const p = (await plain().catch((x: ApplicationFailure) => x)) as ApplicationFailure;
  expect(p).toMatchObject({ type: 'TypeError', nonRetryable: false, message: 'cannot read "[email]"' });
});

test('the same bucket or folder on both sides is caught', () => {
  const s3 = (bucket: string) => ({ kind: 's3' as const, bucket, region: 'us-east-1', endpoint: 'http://s3', forcePathStyle: true });
  expect(sameStore(s3('dif'), s3('dif'))).toBe(true);
  expect(sameStore(s3('dif'), s3('acme-raw'))).toBe(false);
  expect(sameStore({ kind: 'local', dir: '/a/b' }, { kind: 'local', dir: '/a/./b' })).toBe(true);
  expect(sameStore({ kind: 'local', dir: '/a/b' }, s3('dif'))).toBe(false);
});
