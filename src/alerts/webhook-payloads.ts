import type { WebhookTarget } from './alert-options.js';

/** The alert as notifications carry it (the `serving.alerts` row, times as ISO strings). */
export interface NotifiedAlert {
  readonly id: string;
  readonly rule: string;
  readonly metric: string;
  readonly window_start: string;
  readonly severity: string;
  readonly status: string;
  readonly value: number;
  readonly baseline: number | null;
  readonly z_score: number | null;
  readonly message: string;
}

export type NotificationEvent = 'raised' | 'resolved';

/**
 * Generic JSON: `{ event, dedupe_key, alert }`. `dedupe_key` = `<alert id>:<event>`, also sent as
 * the `Idempotency-Key` header: a receiver that keeps the keys it saw processes each notification
 * once even when a retry follows a lost acknowledgement.
 */
export function genericPayload(event: NotificationEvent, alert: NotifiedAlert): Record<string, unknown> {
  return { source: 'shopstream', event, dedupe_key: `${alert.id}:${event}`, alert };
}

const COLOR: Readonly<Record<string, string>> = { critical: '#d32f2f', warning: '#f9a825', info: '#1976d2' };

/** Slack-compatible (incoming webhook): `text` plus one attachment with the facts as fields. */
export function slackPayload(event: NotificationEvent, alert: NotifiedAlert): Record<string, unknown> {
  const head =
    event === 'resolved'
      ? `Resolved: ${alert.rule} ${alert.metric}`
      : `[${alert.severity.toUpperCase()}] ${alert.rule} ${alert.metric}`;
  const field = (title: string, value: string) => ({ title, value, short: true });
  return {
    text: `${head}: ${alert.message}`,
    attachments: [
      {
        color: event === 'resolved' ? '#2e7d32' : (COLOR[alert.severity] ?? '#757575'),
        fallback: `${head}: ${alert.message}`,
        fields: [
          field('window', alert.window_start),
          field('value', String(alert.value)),
          field('baseline', alert.baseline === null ? '-' : String(alert.baseline)),
          field('z', alert.z_score === null ? '-' : alert.z_score.toFixed(2)),
        ],
        footer: `shopstream alert ${alert.id}`,
      },
    ],
  };
}

/** Slack's shape for Slack webhooks; the generic one for JSON webhooks and the alert-events topic. */
export const payloadFor = (target: WebhookTarget, event: NotificationEvent, alert: NotifiedAlert) =>
  target.format === 'slack' ? slackPayload(event, alert) : genericPayload(event, alert);
