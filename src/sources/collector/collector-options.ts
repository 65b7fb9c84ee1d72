import type { Config } from '../../config/index.js';

/** Everything the collector plugin needs to know; built from the `collector` config section. */
export interface CollectorOptions {
  /** Requests without a write key get 401 SHOP_COLLECTOR_UNAUTHORIZED. */
  readonly requireWriteKey: boolean;
  /** Allowed browser origins; `*` in the set = any origin. */
  readonly corsOrigins: ReadonlySet<string>;
  readonly maxEventBytes: number;
  readonly maxBatchBytes: number;
  readonly maxBatchEvents: number;
  readonly maxNativeBodyBytes: number;
  /** 0 = unlimited. */
  readonly rateLimitEventsPerSec: number;
  readonly maxInFlightBytes: number;
  readonly maxAppendRecords: number;
  readonly maxConcurrentAppends: number;
  readonly ackTimeoutMs: number;
  readonly retryAfterMs: number;
  readonly customerPartitions: number;
  /** `source` written on Segment-mapped events when the request has no write key. */
  readonly defaultSourceName: string;
}

export function collectorOptionsFromConfig(config: Readonly<Config>): CollectorOptions {
  const c = config.collector;
  const distributed = config.log.brokers.trim() !== '';
  return {
    requireWriteKey: c.requireWriteKey === 'always' || (c.requireWriteKey === 'auto' && distributed),
    corsOrigins: parseOriginList(c.corsOrigins),
    maxEventBytes: c.maxEventBytes,
    maxBatchBytes: c.maxBatchBytes,
    maxBatchEvents: c.maxBatchEvents,
    maxNativeBodyBytes: c.maxNativeBodyBytes,
    rateLimitEventsPerSec: c.rateLimitEventsPerSec,
    maxInFlightBytes: c.maxInFlightBytes,
    maxAppendRecords: c.maxAppendRecords,
    maxConcurrentAppends: c.maxConcurrentAppends,
    ackTimeoutMs: c.ackTimeoutMs,
    retryAfterMs: c.retryAfterMs,
    customerPartitions: c.customerPartitions,
    defaultSourceName: 'collector',
  };
}

export function parseOriginList(list: string): ReadonlySet<string> {
  return new Set(
    list
      .split(',')
      .map((o) => o.trim().replace(/\/$/, ''))
      .filter((o) => o.length > 0),
  );
}
