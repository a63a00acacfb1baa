/**
 * Posts an alert to the configured webhook once per incident (incident-rules.ts), with the
 * incident's state in Redis so every worker of the fleet agrees: `SET NX` with the quiet
 * period as its lease opens an incident, and only the worker that opened it posts. A
 * failure to post or to reach Redis is logged, never the run's failure.
 */
import type Redis from 'ioredis';
import { alertFor, incidentKeys, type EndedRun } from './incident-rules';
import { alertError, slackMessage } from './slack-message';

export interface AlertSettings {
  webhookUrl: string;
  /** The run's page in the Temporal Web UI (adapters/settings.ts webUiLink). */
  link: (workflowId: string, runId: string) => string;
  /** How long an incident stays open (no new message for it), and how long failures in a row are remembered. */
  quietSeconds: number;
}

export interface RunEnding extends EndedRun {
  window: { from: string; to: string };
  workflowId: string;
  runId: string;
  error?: string;
}

export class RunAlerts {
  constructor(
    private readonly redis: Redis,
    private readonly settings: AlertSettings,
    private readonly warn: (message: string, meta: Record<string, unknown>) => void,
  ) {}

  /** Records the run's ending and posts its alert when it opens an incident. Resolves when done (tests wait on it). */
  async ended(run: RunEnding): Promise<void> {
    try {
      const keys = incidentKeys(run);
      if (run.status === 'completed') {
        await this.redis.del(keys.failures);
        return;
      }
      if (run.status !== 'failed') return;
      const inARow = await this.redis.incr(keys.failures);
      await this.redis.expire(keys.failures, this.settings.quietSeconds * 4);
      const kind = alertFor(run, inARow);
      if (!kind) return;
      const opened = await this.redis.set(keys.incident(kind), run.workflowId, 'EX', this.settings.quietSeconds, 'NX');
      if (opened !== 'OK') return; // this incident was reported already
      const incidentKey = keys.incident(kind);
      await this.post(slackMessage({
        kind,
        vendor: run.vendor,
        customer: run.customer,
        stream: run.stream,
        ...(run.partition !== undefined ? { partition: run.partition } : {}),
        window: run.window,
        error: alertError(run.error ?? 'no message'),
        link: this.settings.link(run.workflowId, run.runId),
      })).catch(async (e) => {
        await this.redis.del(incidentKey); // not told: the next failure tries again
        throw e;
      });
    } catch (e) {
      this.warn('alert not sent', { vendor: run.vendor, customer: run.customer, stream: run.stream, error: (e as Error).message });
    }
  }

  private async post(message: unknown): Promise<void> {
    const response = await fetch(this.settings.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(10_000),
    });
    // The webhook's URL is itself a secret (Slack's carries its token): never in the message.
    if (!response.ok) throw new Error(`the alert webhook answered ${response.status}`);
  }
}
