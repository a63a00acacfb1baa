/** `dif locks`: holders with the age of their lease and waiters in queue order, as text and JSON. */
import Redis from 'ioredis';
import { RedisSemaphores } from '../../adapters/locks/semaphores';
import { TableLocks } from '../../adapters/locks/table-locks';
import { dif } from '../setup/run-cli';
import { uniqueName } from '../setup/test-settings';

const redis = new Redis('redis://127.0.0.1:6379/0');
const semaphores = new RedisSemaphores(redis);
afterAll(() => redis.quit());

test('shows who holds each semaphore, for how long, and who waits in which order', async () => {
  const prefix = uniqueName('locks');
  const key = `${prefix}:vendor`;
  const permit = (holder: string) => ({ key, limit: 2, holder, leaseMs: 30_000 });
  await semaphores.acquire(permit('run-1'));
  await new Promise((r) => setTimeout(r, 30));
  await semaphores.acquire(permit('run-2'));
  await semaphores.acquire(permit('run-3'));
  await semaphores.acquire(permit('run-4'));
  await new TableLocks(semaphores).acquire({ table: `${prefix}.table`, holder: 'loader', leaseMs: 30_000 });

  const reports = (await dif('locks', prefix, '--json')).split('\n').map((l) => JSON.parse(l));
  expect(reports.map((r) => r.name)).toEqual([`${prefix}:vendor`]); // table locks are named table:…
  const [vendor] = reports;
  expect(vendor).toMatchObject({ limit: 2, leaseMs: 30_000 });
  expect(vendor.holders.map((h: { holder: string }) => h.holder)).toEqual(['run-1', 'run-2']);
  expect(vendor.holders[0].heldMs).toBeGreaterThanOrEqual(vendor.holders[1].heldMs);
  expect(vendor.holders[0].leaseLeftMs).toBeGreaterThan(29_000);
  expect(vendor.waiters).toEqual([
    expect.objectContaining({ holder: 'run-3', position: 1 }),
    expect.objectContaining({ holder: 'run-4', position: 2 }),
  ]);

  const text = await dif('locks', `table:${prefix}`);
  expect(text).toContain(`table:${prefix}.table  (1/1 held, 0 waiting`);
  expect(text).toMatch(/holds {2}loader {2}for \d+\.\ds, lease left \d+\.\ds, fencing token \d+/);
  expect(vendor.holders[0].fencingToken).toBeUndefined();

  expect(await dif('locks', `${prefix}-nothing`)).toBe('no semaphore is held or waited for');
});
