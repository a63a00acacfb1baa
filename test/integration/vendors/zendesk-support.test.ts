/**
 * Contract test of vendors/zendesk-support, the proof of an incremental export cursor: the
 * cursor-based ticket export asked from `start_time` (the stored cursor less the lookback, in
 * epoch seconds, or the window's first day), `after_url` followed until `end_of_stream`, the
 * greatest `generated_timestamp` stored after the load and read by the next run; a backfill
 * reads from its window and leaves the stored cursor where it was; an API token as Basic
 * `{email}/token:{token}`, a 429 retried, a 401 failing at once.
 */
import { startVendorContract, type VendorContract } from '../../setup/vendor-contract';
import type { FixtureRequest } from '../../mock-vendor/fixture-server';
import type { BackfillInput, BackfillProgress } from '../../../workflows/backfill-types';

const EXPORT = '/api/v2/incremental/tickets/cursor.json';
const secrets = { api_user: 'agent@acme.example/token', api_token: 'zd-fixture-TOKEN-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv' };
const basic = `Basic ${Buffer.from(`${secrets.api_user}:${secrets.api_token}`).toString('base64')}`;
const epoch = (iso: string) => String(Date.parse(iso) / 1000);
/** Ticket 1003's generated_timestamp (the greatest of the first run) less the one-minute lookback. */
const AFTER_FIRST_RUN = String(Date.parse('2024-03-02T08:00:00Z') / 1000 - 60);

let c: VendorContract;
beforeAll(async () => {
  // Zendesk allows 10 export requests a minute (0.16/s in the config); the test paces faster, nothing else changes.
  c = await startVendorContract('zendesk-support', (config) => (config.rateLimit.requestsPerSecond = 50));
  const page2 = (r: FixtureRequest) => r.query.cursor === 'MTcwOTI5NjIwMC4wfHwxMDAyfA==';
  c.server.route(
    { method: 'GET', path: EXPORT, when: (r) => r.headers.authorization !== basic, status: 401, file: 'error-401.json' },
    { method: 'GET', path: EXPORT, when: page2, status: 429, file: 'error-429.json', headers: { 'retry-after': '1' }, times: 1 },
    { method: 'GET', path: EXPORT, when: page2, file: 'tickets-cursor-page-2.json' },
    { method: 'GET', path: EXPORT, when: (r) => r.query.start_time === AFTER_FIRST_RUN, file: 'tickets-cursor-empty.json' },
    { method: 'GET', path: EXPORT, when: (r) => r.query.start_time !== undefined, file: 'tickets-cursor-page-1.json' },
  );
});
afterAll(() => c?.shutdown());

const stored = (customer: string) => c.h.runtime.deps.streamState.get({ customer, vendor: 'zendesk-support', stream: 'tickets', partition: '' });

test('tickets: exported from the window start, after_url followed to end_of_stream (a 429 retried), the greatest generated_timestamp stored; the next run starts from it', async () => {
  const customer = await c.customer({ subdomain: 'acme' }, secrets);
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('COMPLETED');

  const rows = await c.rows('zendesk_tickets', customer, 'id');
  expect(rows.map((r) => Number(r.id))).toEqual([1001, 1002, 1003]);
  expect(rows[0]).toMatchObject({ status: 'open', priority: 'high', tags: '["export","reports"]', requester_id: '20001' });
  expect(rows[2].generated_at.toISOString()).toBe('2024-03-02T08:00:00.000Z');
  expect(rows[1].assignee_id).toBeNull();

  const sent = c.server.sent(EXPORT).filter((r) => r.headers.authorization === basic);
  expect(sent.map((r) => r.query)).toEqual([
    { start_time: epoch('2024-03-01T00:00:00Z') }, // no cursor stored: the window's first day
    { cursor: 'MTcwOTI5NjIwMC4wfHwxMDAyfA==' }, // after_url as given: the 429
    { cursor: 'MTcwOTI5NjIwMC4wfHwxMDAyfA==' }, // and its retry
  ]);
  expect(await stored(customer)).toBe('2024-03-02T08:00:00.000Z');
  expect(c.storedText()).not.toContain(secrets.api_token);

  // Any later window: the export starts from the stored cursor less a minute; nothing new leaves the cursor alone.
  const again = await c.ingest(customer, { from: '2024-03-09', to: '2024-03-09' });
  expect(again.status).toBe('COMPLETED');
  expect(c.server.sent(EXPORT).at(-1)!.query).toEqual({ start_time: AFTER_FIRST_RUN });
  expect(await stored(customer)).toBe('2024-03-02T08:00:00.000Z');
});

test('a backfill reads by its window and never moves the stored cursor', async () => {
  const customer = await c.customer({ subdomain: 'acme' }, secrets);
  await c.h.runtime.deps.streamState.put({ customer, vendor: 'zendesk-support', stream: 'tickets', partition: '' }, '2024-03-05T00:00:00.000Z', 'test');
  const input: BackfillInput = {
    vendor: 'zendesk-support',
    request: { customer, from: '2024-02-01', to: '2024-02-01' },
    items: [{ customer, stream: 'tickets', window: { from: '2024-02-01', to: '2024-02-01' } }],
    parallel: 1,
    options: { semaphoreRetryMs: 100, maxAttempts: 4 },
  };
  const progress: BackfillProgress = await c.h.client.workflow.execute('backfill', { taskQueue: c.h.settings.taskQueue, workflowId: `backfill-${customer}`, args: [input] });
  expect(progress.completed).toBe(1);
  const mine = c.server.sent(EXPORT).filter((r) => r.query.start_time !== undefined).at(-1)!;
  expect(mine.query).toEqual({ start_time: epoch('2024-02-01T00:00:00Z') }); // the window, not the stored cursor
  expect((await c.rows('zendesk_tickets', customer, 'id')).map((r) => Number(r.id))).toEqual([1001, 1002, 1003]);
  expect(await stored(customer)).toBe('2024-03-05T00:00:00.000Z'); // loaded up to 2024-03-02, stored nothing
});

test('a revoked token: 401 fails at once with Zendesk’s message', async () => {
  const customer = await c.customer({ subdomain: 'acme' }, { ...secrets, api_token: 'revoked' });
  const before = c.server.requests.length;
  const outcome = await c.ingest(customer, { from: '2024-03-01', to: '2024-03-01' });
  expect(outcome.status).toBe('FAILED');
  expect(outcome.error).toMatch(/answered 401: .*Couldn't authenticate you/s);
  expect(c.server.requests.length - before).toBe(1);
  expect(await stored(customer)).toBeUndefined();
});
