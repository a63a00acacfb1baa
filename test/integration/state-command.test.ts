/**
 * `dif state show|set|reset`: the stored cursors of incremental streams as an operator sees
 * and moves them (in this process, as a user would type them; exit codes and messages of bad
 * input are in cli-exit-codes-command.test.ts).
 */
import path from 'node:path';
import mysql from 'mysql2/promise';
import { StreamStateStore } from '../../adapters/mysql/stream-state';
import { InputError } from '../../core/run-plan';
import { dif } from '../setup/run-cli';
import { TEST_MYSQL_URL, TEST_POSTGRES_URL, uniqueName, TEST_SCRATCH } from '../setup/test-settings';

const pool = mysql.createPool({ uri: TEST_MYSQL_URL, connectionLimit: 2 });
const store = new StreamStateStore(pool);
beforeAll(() => {
  // The commands open the runtime from the environment, as `dif` does: point it at the test databases.
  Object.assign(process.env, { DIF_MYSQL_URL: TEST_MYSQL_URL, DIF_POSTGRES_URL: TEST_POSTGRES_URL, DIF_KMS: 'local', DIF_LOCAL_KEYRING: path.join(TEST_SCRATCH, 'state-command', 'keyring.json') });
});
afterAll(() => pool.end());

test('show lists each incremental stream, set moves a cursor either way, reset forgets it', async () => {
  const customer = uniqueName('state');
  const scope = { customer, vendor: 'hubspot', stream: 'contacts', partition: '' };
  expect(await dif('state', 'show', 'hubspot', '--customer', customer)).toBe(
    [`hubspot/${customer}/contacts  no cursor stored: the next run reads from the stream's start`, `hubspot/${customer}/deals  no cursor stored: the next run reads from the stream's start`].join('\n'),
  );

  // A run stores with GREATEST: never backwards.
  expect(await store.raise(scope, '2026-11-30T08:15:00.000Z', 'run-1')).toBe('2026-11-30T08:15:00.000Z');
  expect(await store.raise(scope, '2026-11-29T00:00:00.000Z', 'run-0')).toBe('2026-11-30T08:15:00.000Z');
  const shown = JSON.parse(await dif('state', 'show', 'hubspot', '--customer', customer, '--stream', 'contacts', '--json'));
  expect(shown).toMatchObject({ stream: 'contacts', partition: '', cursor: '2026-11-30T08:15:00.000Z', setBy: 'run-1' });

  // An operator rewinds it (any ISO form, stored canonical), and a partition has its own.
  expect(await dif('state', 'set', 'hubspot', '--customer', customer, '--stream', 'contacts', '--cursor', '2026-11-01T01:00:00+01:00')).toBe(`hubspot/${customer}/contacts: cursor set to 2026-11-01T00:00:00.000Z`);
  expect(await store.get(scope)).toBe('2026-11-01T00:00:00.000Z');
  await dif('state', 'set', 'hubspot', '--customer', customer, '--stream', 'deals', '--cursor', '2026-10-01T00:00:00Z', '--partition', 'portal-2');
  const text = await dif('state', 'show', 'hubspot', '--customer', customer);
  expect(text).toMatch(new RegExp(`^hubspot/${customer}/contacts  2026-11-01T00:00:00\\.000Z  \\(set by dif state set at \\S+\\)\\nhubspot/${customer}/deals \\[portal-2\\]  2026-10-01T00:00:00\\.000Z`));

  expect(await dif('state', 'reset', 'hubspot', '--customer', customer, '--stream', 'deals')).toBe(`hubspot/${customer}/deals: 1 cursor(s) removed`);
  expect(await store.list(customer, 'hubspot')).toEqual([expect.objectContaining({ stream: 'contacts' })]);
  expect(await dif('state', 'reset', 'hubspot', '--customer', customer)).toBe(`hubspot/${customer}: 1 cursor(s) removed`);
  expect(await store.list(customer, 'hubspot')).toEqual([]);
});

test('bad input is refused before anything is written', async () => {
  const customer = uniqueName('state');
  await expect(dif('state', 'set', 'salesforce', '--customer', customer, '--stream', 'opportunities_bulk', '--cursor', '2026-11-01T00:00:00Z')).rejects.toThrow(
    new InputError('stream "opportunities_bulk" of vendor "salesforce" is not incremental (no `incremental` block), so it has no cursor; incremental streams: opportunities'),
  );
  await expect(dif('state', 'set', 'salesforce', '--customer', customer, '--stream', 'opportunities', '--cursor', '1700000000')).rejects.toThrow(InputError);
  expect(await store.list(customer, 'salesforce')).toEqual([]);
});
