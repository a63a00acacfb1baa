/**
 * underPermit's keep-alive heartbeats (issue 13, defect 4): they follow the activity's
 * heartbeat timeout, not the permit's lease, and they carry the work's last checkpoint,
 * because Temporal keeps only the latest heartbeat's details and a resumed attempt starts
 * from them.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { PermitRef } from '../../../core/contracts';
import type { ActivityDeps } from '../../../activities/deps';
import { heartbeatEveryMs, underPermit } from '../../../activities/permits';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A semaphore that always renews: only the heartbeats are under test. */
const deps = { semaphores: { renew: async () => true } } as unknown as ActivityDeps;
// A 10-minute lease (amazon-ads has 600 s): renewals every 200 s, far slower than the heartbeat timeout.
const permit: PermitRef = { key: 'vendor:test:customer:c1', limit: 1, holder: 'wf#run', leaseMs: 600_000 };

function environment(info: { heartbeatTimeoutMs: number; heartbeatDetails?: unknown }) {
  const env = new MockActivityEnvironment(info);
  const beats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => beats.push(details));
  return { env, beats };
}

test('the cadence stays under the heartbeat timeout whatever the lease, and at most 10 s apart', () => {
  expect(heartbeatEveryMs(120_000)).toBe(10_000);
  expect(heartbeatEveryMs(3_000)).toBe(1_000);
  expect(heartbeatEveryMs(undefined)).toBe(10_000);
});

test('with a 600 s lease and a 600 ms heartbeat timeout, the activity still heartbeats every 200 ms', async () => {
  const { env, beats } = environment({ heartbeatTimeoutMs: 600 });
  await env.run(() => underPermit(deps, permit, async () => sleep(1_100)));
  // Every 200 ms over 1.1 s: 5 beats (4 at the least, for a slow timer); none at all when the lease set the pace.
  expect(beats.length).toBeGreaterThanOrEqual(4);
  expect(beats.length).toBeLessThanOrEqual(6);
});

test('keep-alive beats repeat the last checkpoint instead of erasing it', async () => {
  const { env, beats } = environment({ heartbeatTimeoutMs: 300 });
  await env.run(() =>
    underPermit(deps, permit, async (_signal, checkpoint) => {
      checkpoint({ unit: 0, state: { page: 5 } });
      await sleep(500); // a slow page: several keep-alive beats
    }),
  );
  expect(beats.length).toBeGreaterThanOrEqual(3);
  expect(beats).toEqual(beats.map(() => ({ unit: 0, state: { page: 5 } })));
});

test('a resumed attempt keeps the previous attempt’s checkpoint until it sets its own, then carries the new one', async () => {
  const previous = { unit: 0, state: { page: 7 } };
  const { env, beats } = environment({ heartbeatTimeoutMs: 300, heartbeatDetails: previous });
  await env.run(() =>
    underPermit(deps, permit, async (_signal, checkpoint) => {
      await sleep(350); // reading stored pages back before the first new checkpoint
      checkpoint({ unit: 0, state: { page: 8 } });
      await sleep(350);
    }),
  );
  const firstNew = beats.findIndex((b) => (b as { state: { page: number } }).state.page === 8);
  expect(firstNew).toBeGreaterThanOrEqual(1);
  expect(beats.slice(0, firstNew)).toEqual(beats.slice(0, firstNew).map(() => previous));
  expect(beats.slice(firstNew)).toEqual(beats.slice(firstNew).map(() => ({ unit: 0, state: { page: 8 } })));
  expect(beats.length - firstNew).toBeGreaterThanOrEqual(2);
});

test('an activity without a permit (CSV, load) still heartbeats and never touches the semaphore', async () => {
  const renew = jest.fn(async () => true);
  const { env, beats } = environment({ heartbeatTimeoutMs: 300 });
  await env.run(() => underPermit({ semaphores: { renew } } as unknown as ActivityDeps, undefined, async () => sleep(400)));
  expect(beats.length).toBeGreaterThanOrEqual(2);
  expect(renew).not.toHaveBeenCalled();
});

test('checkpoints are handed on at most once per keep-alive period, and the next beat carries the latest', async () => {
  const { env, beats } = environment({ heartbeatTimeoutMs: 3_000 }); // keep-alive beats every second
  await env.run(() =>
    underPermit(deps, permit, async (_signal, checkpoint) => {
      for (let page = 1; page <= 1000; page++) checkpoint({ unit: 0, state: { page } });
      await sleep(1_200);
    }),
  );
  // The first checkpoint at once, the thousandth with the keep-alive beat; none of the 998 in between.
  expect(beats[0]).toEqual({ unit: 0, state: { page: 1 } });
  expect(beats.slice(1)).toEqual(beats.slice(1).map(() => ({ unit: 0, state: { page: 1000 } })));
  expect(beats.length).toBeGreaterThanOrEqual(2);
  expect(beats.length).toBeLessThanOrEqual(3);
});
