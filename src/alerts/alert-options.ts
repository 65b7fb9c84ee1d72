import type { Config } from '../config/index.js';
import { ShopError } from '../errors/index.js';
import type { Severity } from './alert-types.js';
import type { EwmaOptions } from './ewma-detector.js';

export interface StaticThreshold {
  /** `channel`, `category` or `store`; undefined = the overall kpi_minute metric. */
  readonly dimension?: 'channel' | 'category' | 'store';
  readonly dimValue?: string;
  readonly metric: string;
  readonly op: '<' | '>';
  readonly limit: number;
  readonly severity: Severity;
}

/**
 * Where the outbox sends an alert's events: a webhook URL (generic JSON or Slack) or, with format
 * `event`, the log topic ecom.data_quality_alerts.v1 (`url` is then ALERT_EVENTS_DESTINATION).
 */
export interface WebhookTarget {
  readonly url: string;
  readonly format: 'json' | 'slack' | 'event';
}

/** The outbox destination (its `webhook` column) of the alert-events topic. */
export const ALERT_EVENTS_DESTINATION = 'log:ecom.data_quality_alerts.v1';

/** Every detector parameter, resolved from the `alerts` config section. */
export interface AlertOptions {
  readonly metrics: readonly string[];
  readonly ewma: EwmaOptions;
  readonly minClicksForRates: number;
  readonly minCartsForCheckoutRate: number;
  readonly cooldownMs: number;
  readonly intervalMs: number;
  /** Commit-triggered passes start at least this far apart (default 0). */
  readonly minPassIntervalMs?: number;
  readonly thresholds: readonly StaticThreshold[];
  readonly noDataMs: number;
  readonly maxLagMs: number;
  readonly minValidPct: number;
  readonly dqWindowMs: number;
  readonly stuckAfterMs: number;
  readonly maxEpochBumps: number;
  readonly epochWindowMs: number;
  readonly webhooks: readonly WebhookTarget[];
  readonly delivery: DeliveryOptions;
}

export interface DeliveryOptions {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly timeoutMs: number;
}

const list = (s: string) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

export function alertOptionsFromConfig(config: Readonly<Config>): AlertOptions {
  const a = config.alerts;
  const webhooks: WebhookTarget[] = [
    ...list(a.webhookUrls).map((url) => ({ url, format: 'json' as const })),
    ...list(a.slackWebhookUrls).map((url) => ({ url, format: 'slack' as const })),
  ];
  if (a.publishTopic) webhooks.push({ url: ALERT_EVENTS_DESTINATION, format: 'event' });
  return {
    metrics: list(a.metrics),
    ewma: {
      alpha: a.ewmaAlpha,
      historyWindows: a.historyWindows,
      minHistoryWindows: a.minHistoryWindows,
      warningZ: a.warningZ,
      criticalZ: a.criticalZ,
    },
    minClicksForRates: a.minClicksForRates,
    minCartsForCheckoutRate: a.minCartsForCheckoutRate,
    cooldownMs: a.cooldownMs,
    intervalMs: a.intervalMs,
    minPassIntervalMs: a.minPassIntervalMs,
    thresholds: parseThresholds(a.thresholds),
    noDataMs: a.noDataMinutes * 60_000,
    maxLagMs: a.maxLagSeconds * 1000,
    minValidPct: a.minValidPct,
    dqWindowMs: a.dqWindowMinutes * 60_000,
    stuckAfterMs: a.stuckAfterMs,
    maxEpochBumps: a.maxEpochBumps,
    epochWindowMs: a.epochWindowMs,
    webhooks,
    delivery: {
      maxAttempts: a.deliveryMaxAttempts,
      backoffBaseMs: a.deliveryBackoffBaseMs,
      backoffMaxMs: a.deliveryBackoffMaxMs,
      timeoutMs: a.deliveryTimeoutMs,
    },
  };
}

const THRESHOLD =
  /^(?:(channel|category|store)=([^:]+):)?([a-z_]+)\s*([<>])\s*(-?\d+(?:\.\d+)?)(?::(info|warning|critical))?$/;

/**
 * Parses `[dimension=value:]metric<op>number[:severity]` items (comma-separated; severity default
 * warning). A malformed item throws SHOP_CONFIG_INVALID naming it.
 */
export function parseThresholds(spec: string): StaticThreshold[] {
  return list(spec).map((item) => {
    const m = THRESHOLD.exec(item);
    if (m === null)
      throw new ShopError('SHOP_CONFIG_INVALID', `alerts.thresholds: cannot parse "${item}"`, {
        details: { item },
      });
    const [, dimension, dimValue, metric, op, limit, severity] = m;
    return {
      ...(dimension === undefined
        ? {}
        : { dimension: dimension as StaticThreshold['dimension'] & string, dimValue: dimValue! }),
      metric: metric!,
      op: op as '<' | '>',
      limit: Number(limit),
      severity: (severity ?? 'warning') as Severity,
    };
  });
}
