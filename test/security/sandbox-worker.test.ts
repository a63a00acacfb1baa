/**
 * A hostile expression through the real worker: a per-customer header override (stored
 * through the customer repository, which checks its syntax but cannot know its cost) asks
 * for a huge array. That run fails at once with a final ExpressionError naming the field;
 * a run of another customer on the same worker at the same time completes and loads; the
 * worker process (this jest process hosts it) lives on and runs the next run normally.
 */
import { runIngestion } from '../../cli/run/run';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';
import { failureChain } from '../setup/failures';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('sandbox-worker');
});
afterAll(async () => h?.shutdown());

const window = { from: '2026-09-01', to: '2026-09-01' };

test('a hostile override fails its own run only, as a final ConfigError naming the field', async () => {
  const hostile = uniqueName('hostile');
  const neighbour = uniqueName('neighbour');
  await h.seedCustomer(hostile, 'act_1', { headers: { 'x-probe': '${new Array(1e8).fill(1.5).length}' } });
  await h.seedCustomer(neighbour, 'act_2');
  const run = (customer: string) => runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, { vendor: 'demo-ads', customer, window });

  const [[bad], [good]] = await Promise.all([run(hostile), run(neighbour)]);
  expect(good.status).toBe('COMPLETED');
  expect(good.rowsLoaded).toBeGreaterThan(0);
  expect(bad.status).toBe('FAILED');
  const chain = await failureChain(h.client.workflow.getHandle(bad.workflowId).result());
  // Auth and request templates are config: their failure is a final ConfigError.
  const cause = chain.find((c) => c.type === 'ConfigError');
  if (!cause) throw new Error(`no ConfigError in ${JSON.stringify(chain)}`);
  // The override's header is a vendor-level header: the message names it there, where the override put it.
  expect(cause.message).toMatch(/^demo-ads: \$\.headers\.x-probe: expression "new Array\(1e8\)\.fill\(1\.5\)\.length" failed: exceeded its (time limit \(1000 ms\) and was stopped by force|memory limit)/);
  // Final: one attempt, not retried.
  const history = await h.client.workflow.getHandle(bad.workflowId).fetchHistory();
  const fetches = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fetchPages');
  expect(fetches).toHaveLength(1);
  const started = (history.events ?? []).find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(fetches[0].eventId));
  expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(1);

  // The same worker carries on.
  const [again] = await run(neighbour);
  expect(again.status).toBe('COMPLETED');
});
