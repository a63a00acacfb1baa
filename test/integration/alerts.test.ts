/**
 * Alerts to a Slack-compatible webhook (adapters/alerts): a local receiver stands in for
 * Slack's incoming webhook and records what it is sent. Real runs on the harness's worker
 * (a 400 fails them), and run endings handed to RunAlerts directly for the partition rule;
 * incident state in the real Redis. One message per incident, however often it fails.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { ingestWorkflowId } from '../../core/run-plan';
import { startHarness, type Harness } from '../setup/harness';
import { uniqueName } from '../setup/test-settings';
import { RunAlerts, type RunEnding } from '../../adapters/alerts/run-alerts';
import { webUiLink } from '../../adapters/settings';

interface SlackMessage {
  text: string;
  blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
}

let h: Harness;
let receiver: http.Server;
let received: SlackMessage[] = [];
let answerStatus = 200;
let webhookUrl: string;
let redis: Redis;
const pending: Promise<void>[] = [];
const warnings: string[] = [];

function alertsTo(url: string): RunAlerts {
  return new RunAlerts(redis, { webhookUrl: url, link: (w, r) => webUiLink({ temporalUiUrl: 'http://127.0.0.1:8233', temporalNamespace: 'default' }, w, r), quietSeconds: 60 }, (message, meta) =>
    warnings.push(`${message} ${JSON.stringify(meta)}`),
  );
}

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (answerStatus === 200) received.push(JSON.parse(body) as SlackMessage);
      res.writeHead(answerStatus).end(answerStatus === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // The path stands for the token Slack puts in a webhook URL: a secret.
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/hook-SECRET-token`;
  redis = new Redis('redis://127.0.0.1:6379/0');
  h = await startHarness('alerts', { runEvents: { alerts: alertsTo(webhookUrl), onAlert: (p) => pending.push(p) } });
}, 60_000);
afterAll(async () => {
  await h?.shutdown();
  redis?.disconnect();
  await new Promise((resolve) => receiver?.close(resolve));
});
beforeEach(() => {
  received = [];
  answerStatus = 200;
  warnings.length = 0;
});

/** Waits for the alerts of the runs ended so far (sinks run after the workflow task completes). */
async function settled(ended: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (pending.length < ended && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(pending);
}

test('a failing stream posts one message per incident: failing again, or flapping back and forth, sends nothing more', async () => {
  const customer = uniqueName('alert');
  await h.seedCustomer(customer);
  const run = (day: string) =>
    h.client.workflow
      .start('ingest', {
        taskQueue: h.settings.taskQueue,
        workflowId: ingestWorkflowId({ vendor: 'demo-ads', customer, stream: 'campaign_daily', window: { from: day, to: day } }),
        args: [{ vendor: 'demo-ads', customer, stream: 'campaign_daily', window: { from: day, to: day }, options: { semaphoreRetryMs: 100, maxAttempts: 2 } }],
      })
      .then((handle) => handle.result().then(() => ({ ok: true, handle }), () => ({ ok: false, handle })));
  pending.length = 0;

  h.vendor.failNext(1, { status: 400, body: '{"error":{"code":400,"message":"bad field; access_token=tok-SECRET-123 refused"}}' });
  const first = await run('2026-10-01');
  expect(first.ok).toBe(false);
  await settled(1);
  expect(received).toHaveLength(1);

  const message = received[0];
  expect(message.text).toMatch(new RegExp(`^DIF run failed: demo-ads / ${customer} / campaign_daily, window 2026-10-01 – 2026-10-01: .*answered 400`));
  expect(message.text).toContain('access_token=***');
  expect(JSON.stringify(message)).not.toContain('tok-SECRET-123');
  const link = message.blocks.at(-1)!.text!.text;
  expect(link).toContain(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(first.handle.workflowId)}/`);
  expect(message.blocks[1].fields!.map((f) => f.text)).toEqual(['*Vendor*\ndemo-ads', `*Customer*\n${customer}`, '*Stream*\ncampaign_daily', '*Window*\n2026-10-01 – 2026-10-01']);

  // The same stream failing again, then flapping (a success, a failure): still the one incident.
  h.vendor.failNext(1, { status: 400 });
  expect((await run('2026-10-02')).ok).toBe(false);
  expect((await run('2026-10-03')).ok).toBe(true);
  h.vendor.failNext(1, { status: 400 });
  expect((await run('2026-10-04')).ok).toBe(false);
  await settled(4);
  expect(received).toHaveLength(1);
  expect(warnings).toEqual([]);
}, 120_000);

test('a partition alerts when it fails in two runs in a row, once; its first failure is left to its parent run', async () => {
  const alerts = alertsTo(webhookUrl);
  const customer = uniqueName('part');
  const ending = (partition: string, status: RunEnding['status'], n: number): RunEnding => ({
    vendor: 'demo-ads', customer, stream: 'campaign_daily', partition, status,
    window: { from: '2026-10-01', to: '2026-10-01' }, workflowId: `wf-${partition}-${n}`, runId: `run-${n}`, error: 'account suspended',
  });
  await alerts.ended(ending('act_1', 'failed', 1));
  await alerts.ended(ending('act_2', 'failed', 1));
  expect(received).toEqual([]);
  await alerts.ended(ending('act_1', 'failed', 2));
  expect(received.map((m) => m.text)).toEqual([`DIF partition failing twice in a row: demo-ads / ${customer} / campaign_daily / partition act_1, window 2026-10-01 – 2026-10-01: account suspended`]);
  await alerts.ended(ending('act_1', 'failed', 3));
  // A success in between starts the count again (act_2 failed once, succeeded, failed once: not twice in a row).
  await alerts.ended(ending('act_2', 'completed', 2));
  await alerts.ended(ending('act_2', 'failed', 3));
  await alerts.ended(ending('act_2', 'cancelled', 4));
  expect(received).toHaveLength(1);
});

test('a webhook that refuses keeps the incident unreported, so the next failure tries again; its URL is never in the warning', async () => {
  const alerts = alertsTo(webhookUrl);
  const customer = uniqueName('refused');
  const failed: RunEnding = { vendor: 'demo-ads', customer, stream: 'campaign_daily', status: 'failed', window: { from: '2026-10-01', to: '2026-10-01' }, workflowId: 'wf', runId: 'r1', error: 'boom' };
  answerStatus = 500;
  await alerts.ended(failed);
  expect(warnings).toEqual([expect.stringContaining('alert not sent')]);
  expect(warnings[0]).toContain('the alert webhook answered 500');
  expect(warnings[0]).not.toContain('hook-SECRET-token');
  answerStatus = 200;
  await alerts.ended({ ...failed, runId: 'r2' });
  expect(received).toHaveLength(1);
});
