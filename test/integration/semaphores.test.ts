/** Redis counting semaphores: the limit, idempotent acquire, leases, and scope keys. */
import Redis from 'ioredis';
import { RedisSemaphores, semaphoreKey, type PermitRef } from '../../adapters/locks/semaphores';
import { uniqueName } from '../setup/test-settings';

const redis = new Redis('redis://127.0.0.1:6379/0');
const semaphores = new RedisSemaphores(redis);
afterAll(() => redis.quit());

const permit = (key: string, holder: string, leaseMs = 10_000): PermitRef => ({ key, limit: 2, holder, leaseMs });

test('never more holders than the limit; a released permit goes to the next', async () => {
  const key = uniqueName('sem');
  expect(await semaphores.tryAcquire(permit(key, 'a'))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'b'))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'c'))).toBe(false);
  await semaphores.release(permit(key, 'a'));
  expect(await semaphores.tryAcquire(permit(key, 'c'))).toBe(true);
  expect((await semaphores.holders(key)).sort()).toEqual(['b', 'c']);
});

test('acquiring again as the same holder is idempotent, even when the semaphore is full', async () => {
  const key = uniqueName('sem');
  await semaphores.tryAcquire(permit(key, 'a'));
  await semaphores.tryAcquire(permit(key, 'b'));
  // A retried acquire whose first answer was lost must not wait for its own permit.
  expect(await semaphores.tryAcquire(permit(key, 'a'))).toBe(true);
  expect(await semaphores.holders(key)).toHaveLength(2);
});

test('a holder that stops renewing loses its permit after the lease, and learns it', async () => {
  const key = uniqueName('sem');
  expect(await semaphores.tryAcquire(permit(key, 'dead', 300))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'alive', 300))).toBe(true);
  expect(await semaphores.tryAcquire(permit(key, 'waiting', 300))).toBe(false);
  await new Promise((r) => setTimeout(r, 150));
  expect(await semaphores.renew(permit(key, 'alive', 300))).toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  // 'dead' expired; 'alive' renewed in time.
  expect(await semaphores.tryAcquire(permit(key, 'waiting', 300))).toBe(true);
  expect(await semaphores.renew(permit(key, 'dead', 300))).toBe(false);
  expect((await semaphores.holders(key)).sort()).toEqual(['alive', 'waiting']);
});

test('releasing what is not held does nothing', async () => {
  const key = uniqueName('sem');
  await expect(semaphores.release(permit(key, 'ghost'))).resolves.toBeUndefined();
});

test('account scope is one semaphore for all customers; customer scope one per customer', () => {
  expect(semaphoreKey('v', 'account', 'c1')).toBe(semaphoreKey('v', 'account', 'c2'));
  expect(semaphoreKey('v', 'customer', 'c1')).not.toBe(semaphoreKey('v', 'customer', 'c2'));
});
