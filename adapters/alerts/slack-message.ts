/**
 * An alert as Slack's incoming webhooks take it (`text` for notifications, `blocks` for the
 * message), which Mattermost, Rocket.Chat, Teams workflows and most chat tools also accept.
 */
import type { AlertKind } from './incident-rules';

export interface AlertFacts {
  kind: AlertKind;
  vendor: string;
  customer: string;
  stream: string;
  partition?: string;
  window: { from: string; to: string };
  error: string;
  link: string;
  /** The link's words (default: the run in the Web UI). */
  linkText?: string;
}

const TITLES: Record<AlertKind, string> = {
  'run-failed': 'DIF run failed',
  'partition-failing-twice': 'DIF partition failing twice in a row',
  'stream-late': 'DIF stream late',
};

export function slackMessage(facts: AlertFacts): { text: string; blocks: unknown[] } {
  const what = `${facts.vendor} / ${facts.customer} / ${facts.stream}${facts.partition !== undefined ? ` / partition ${facts.partition}` : ''}`;
  const window = `${facts.window.from} – ${facts.window.to}`;
  return {
    text: `${TITLES[facts.kind]}: ${what}, window ${window}: ${facts.error}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: TITLES[facts.kind] } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Vendor*\n${facts.vendor}` },
          { type: 'mrkdwn', text: `*Customer*\n${facts.customer}` },
          { type: 'mrkdwn', text: `*Stream*\n${facts.stream}${facts.partition !== undefined ? ` (partition ${facts.partition})` : ''}` },
          { type: 'mrkdwn', text: `*Window*\n${window}` },
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Error*\n\`\`\`${facts.error}\`\`\`` } },
      { type: 'section', text: { type: 'mrkdwn', text: `<${facts.link}|${facts.linkText ?? 'Open the run in the Temporal Web UI'}>` } },
    ],
  };
}

/**
 * A failure's message as an alert shows it: on one line, cut short, and with anything shaped
 * like a credential masked (bearer tokens, `key=`/`token=`/`signature=` values, URL user
 * info). Activities scrub the secrets they know before a failure leaves them (invariant 10);
 * this is a second net for a chat channel that many people read.
 */
export function alertError(message: string, max = 500): string {
  const masked = message
    .replace(/\s+/g, ' ')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***')
    .replace(/([?&;,\s"']|^)((?:access_|api_?|client_|refresh_)?(?:token|key|secret|signature|password|sig)[A-Za-z_]*)(["']?\s*[=:]\s*["']?)[^&\s"',;]+/gi, '$1$2$3***')
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***@');
  return masked.length > max ? `${masked.slice(0, max)}…` : masked;
}
