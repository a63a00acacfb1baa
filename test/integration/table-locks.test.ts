/**
 * Exclusive table locks with fencing tokens, on real Redis and Postgres: one holder per
 * table, growing tokens, and a stale holder (its lease lost while it was paused) refused
 * inside the warehouse transaction, through the real loader.
 */
import { Readable } from 'node:stream';
import type { CsvPart } from '../../adapters/warehouse/warehouse';
import { TableLocks } from '../../adapters/locks/table-locks';
import { StaleLockError, checkFence } from '../../adapters/warehouse/fencing';
import type { TableConfig } from '../../core/config-schema';
import { underTableLock } from '../../activities/table-lock';
import { createRuntime, type Runtime } from '../../workers/wiring';
import { testSettings, uniqueName } from '../setup/test-settings';

let runtime: Runtime;
let locks: TableLocks;
beforeAll(async () => {
  runtime = createRuntime(testSettings('table-locks'));
  locks = new TableLocks(runtime.deps.semaphores);
  // The runtime's Redis client connects lazily and does not queue commands meanwhile.
  if (runtime.redis.status !== 'ready') await new Promise((r) => runtime.redis.once('ready', r));
});
afterAll(() => runtime.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const acquired = async (table: string, holder: string, leaseMs = 10_000) => {
  const result = await locks.acquire({ table, holder, leaseMs });
  return result.acquired ? result.token : undefined;
};

test('one holder per table; other tables are independent; each new holder gets a larger token', async () => {
  const table = uniqueName('t');
  const first = await acquired(table, 'a');
  expect(first).toBeGreaterThan(0);
  expect(await acquired(table, 'b')).toBeUndefined();
  expect(await acquired(`${table}-other`, 'b')).toBeDefined();
  expect(await acquired(table, 'a')).toBe(first); // asking again: same holder, same token
  await locks.release({ table, holder: 'a', leaseMs: 0 });
  const second = await acquired(table, 'b');
  expect(second).toBeGreaterThan(first!);
});

test('the fence refuses a smaller token than the last one written, and lets the same token write again', async () => {
  const table = uniqueName('fence');
  const tx = async (token: number) => {
    const client = await runtime.postgres.connect();
    try {
      await client.query('BEGIN');
      await checkFence(client, 'dif_test', table, token);
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    } finally {
      client.release();
    }
  };
  await tx(10);
  await tx(12);
  await tx(12);
  await expect(tx(11)).rejects.toBeInstanceOf(StaleLockError);
});

test('a racing stale holder waits for the newer one to commit, then is refused', async () => {
  const table = uniqueName('race');
  const newer = await runtime.postgres.connect();
  const older = await runtime.postgres.connect();
  try {
    await newer.query('BEGIN');
    await checkFence(newer, 'dif_test', table, 20);
    await older.query('BEGIN');
    const olderCheck = checkFence(older, 'dif_test', table, 19).then(
      () => 'passed',
      (e: Error) => e.name,
    );
    await sleep(200);
    await newer.query('COMMIT');
    expect(await olderCheck).toBe('StaleLockError');
  } finally {
    await older.query('ROLLBACK').catch(() => undefined);
    newer.release();
    older.release();
  }
});

test('through the loader: a holder whose lease expired while it was paused cannot write; the new holder can', async () => {
  const table = {
    name: uniqueName('fenced').replace(/-/g, '_'),
    primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'string', nullable: false },
      { name: 'v', type: 'string' },
    ],
  } as unknown as TableConfig;
  const csv = (v: string): CsvPart[] => [
    { open: async () => Readable.from([`id,v,_dif_customer,_dif_run_id,_dif_extracted_at\n1,${v},c,r,2026-01-01T00:00:00Z\n`]), gzip: false },
  ];
  const lockName = `dif_test.${table.name}`;

  // The stale holder takes the lock, then pauses (no renewals) past its 300 ms lease.
  const staleToken = await acquired(lockName, 'stale', 300);
  expect(staleToken).toBeDefined();
  await sleep(400);
  // A new holder gets the lock (underTableLock: the path loadCsv takes) and loads.
  const deps = { ...runtime.deps, tableLock: { leaseMs: 5000, pollMs: 50, maxWaitMs: 5000 } };
  const fresh = await underTableLock(deps, 'dif_test', table.name, 'fresh', (fence) =>
    runtime.deps.warehouse.load(table, csv('fresh'), undefined, { inTransaction: fence }),
  );
  expect(fresh.rowsInserted).toBe(1);
  // The stale holder wakes up, still believing it holds the lock, and tries to load.
  await expect(
    runtime.deps.warehouse.load(table, csv('stale'), undefined, { inTransaction: (c) => checkFence(c, 'dif_test', table.name, staleToken!) }),
  ).rejects.toThrow(/fencing token \d+ is stale.*nothing was changed|nothing was changed.*stale/);
  const { rows } = await runtime.postgres.query(`SELECT v FROM dif_test.${table.name}`);
  expect(rows).toEqual([{ v: 'fresh' }]);
});
