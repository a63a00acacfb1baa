/**
 * Posts an alert to the configured webhook once per incident (incident-rules.ts), with the
 * incident's state in Redis so every worker of the fleet agrees: `SET NX` with the quiet
 * period as its lease opens an incident, and only the worker that opened it posts. A
 * failure to post or to reach Redis is logged, never the run's failure.
 */
import type Redis from 'ioredis';
import { webUiLink, type Settings } from '../settings';
import { alertFor, incidentKeys, type EndedRun } from './incident-rules';
import { alertError, slackMessage, type AlertFacts } from './slack-message';

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
      await this.open(keys.incident(kind), this.settings.quietSeconds, {
        kind,
        vendor: run.vendor,
        customer: run.customer,
        stream: run.stream,
        ...(run.partition !== undefined ? { partition: run.partition } : {}),
        window: run.window,
        error: alertError(run.error ?? 'no message'),
        link: this.settings.link(run.workflowId, run.runId),
      });
    } catch (e) {
      this.warn('alert not sent', { vendor: run.vendor, customer: run.customer, stream: run.stream, error: (e as Error).message });
    }
  }

  /**
   * A stream's freshness (`dif freshness --alert`): turning late posts once; the incident
   * stays open while it is late (however often the check runs) and closes when it is not.
   */
  async freshness(stream: { vendor: string; customer: string; stream: string; late: boolean; window?: { from: string; to: string }; detail: string; link: string }): Promise<void> {
    const key = incidentKeys({ ...stream, status: 'failed' }).incident('stream-late');
    try {
      if (!stream.late) {
        await this.redis.del(key);
        return;
      }
      // Open for as long as it stays late: a long lease, renewed by each check that still finds it late.
      const opened = await this.open(key, 30 * 86_400, {
        kind: 'stream-late',
        vendor: stream.vendor,
        customer: stream.customer,
        stream: stream.stream,
        window: stream.window ?? { from: 'never', to: 'loaded' },
        error: stream.detail,
        link: stream.link,
        linkText: 'Open its runs in the Temporal Web UI',
      });
      if (!opened) await this.redis.expire(key, 30 * 86_400);
    } catch (e) {
      this.warn('alert not sent', { vendor: stream.vendor, customer: stream.customer, stream: stream.stream, error: (e as Error).message });
    }
  }

  /** Opens the incident and posts its message; false when it was open already. A post that fails leaves it closed, so the next check tries again. */
  private async open(key: string, seconds: number, facts: AlertFacts): Promise<boolean> {
    if ((await this.redis.set(key, facts.link, 'EX', seconds, 'NX')) !== 'OK') return false;
    await this.post(slackMessage(facts)).catch(async (e) => {
      await this.redis.del(key);
      throw e;
    });
    return true;
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

/** The alerts settings ask for (DIF_ALERT_WEBHOOK_URL), or none. */
export function alertsFrom(settings: Settings, redis: Redis, warn: (message: string, meta: Record<string, unknown>) => void): RunAlerts | undefined {
  if (!settings.alertWebhookUrl) return undefined;
  return new RunAlerts(
    redis,
    {
      webhookUrl: settings.alertWebhookUrl,
      link: (workflowId, runId) => webUiLink(settings, workflowId, runId),
      quietSeconds: settings.alertQuietSeconds ?? 6 * 3600,
    },
    warn,
  );
}
