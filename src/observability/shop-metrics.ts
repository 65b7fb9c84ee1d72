import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Stage labels of `shopstream_stage_records_total`, as `shopstream status` names its columns. */
export const RECORD_STAGES = ['read', 'bronze', 'silver', 'quarantine', 'duplicates', 'late'] as const;
export type RecordStage = (typeof RECORD_STAGES)[number];

/**
 * Every operational metric of one process, registered in `registry` (one per process, created by
 * the CLI command and passed down; never prom-client's global default registry).
 * Counters fed from the serving DB (`stageRecords`, `quarantined`) are absolute totals over all
 * processors of the topic, read at scrape time, so they match `shopstream status` exactly.
 */
export interface ShopMetrics {
  readonly registry: Registry;
  readonly stageRecords: Counter<'stage'>;
  readonly quarantined: Counter<'reason'>;
  readonly partitionLag: Gauge<'partition'>;
  readonly freshnessSeconds: Gauge;
  readonly processedRecords: Counter;
  readonly commits: Counter;
  readonly batchSeconds: Histogram;
  readonly commitSeconds: Histogram;
  readonly stageSeconds: Counter<'stage'>;
  readonly alertsRaised: Counter<'rule' | 'severity'>;
  readonly alertDeliveries: Counter<'format' | 'outcome'>;
  readonly dqScore: Gauge;
  readonly dedupeIds: Gauge<'tier'>;
  readonly dedupeBytes: Gauge<'tier' | 'medium'>;
}

const LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createShopMetrics(registry: Registry = new Registry()): ShopMetrics {
  const registers = [registry];
  return {
    registry,
    stageRecords: new Counter({
      name: 'shopstream_stage_records_total',
      help: 'Records per pipeline stage (read, bronze, silver, quarantine, duplicates, late), from the serving DB accounting',
      labelNames: ['stage'],
      registers,
    }),
    quarantined: new Counter({
      name: 'shopstream_quarantined_events_total',
      help: 'Quarantined events by reason code',
      labelNames: ['reason'],
      registers,
    }),
    partitionLag: new Gauge({
      name: 'shopstream_partition_lag_records',
      help: 'Records in the log not yet committed, per partition',
      labelNames: ['partition'],
      registers,
    }),
    freshnessSeconds: new Gauge({
      name: 'shopstream_freshness_seconds',
      help: 'Now minus the newest committed event time',
      registers,
    }),
    processedRecords: new Counter({
      name: 'shopstream_processor_records_total',
      help: 'Records committed by the processor(s) of this process',
      registers,
    }),
    commits: new Counter({
      name: 'shopstream_processor_commits_total',
      help: 'Serving-DB commits of the processor(s) of this process',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'shopstream_batch_duration_seconds',
      help: 'Time of one committed processor cycle (read to commit)',
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    commitSeconds: new Histogram({
      name: 'shopstream_commit_duration_seconds',
      help: 'Time of the fenced serving-DB commit of one cycle',
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    stageSeconds: new Counter({
      name: 'shopstream_processor_stage_seconds_total',
      help: 'Processor wall time per stage',
      labelNames: ['stage'],
      registers,
    }),
    alertsRaised: new Counter({
      name: 'shopstream_alerts_raised_total',
      help: 'Alerts raised by the detector of this process',
      labelNames: ['rule', 'severity'],
      registers,
    }),
    alertDeliveries: new Counter({
      name: 'shopstream_alert_deliveries_total',
      help: 'Webhook delivery attempts by payload format and outcome (sent, failed, dead)',
      labelNames: ['format', 'outcome'],
      registers,
    }),
    dqScore: new Gauge({
      name: 'shopstream_data_quality_score',
      help: 'Score (0-100) of the newest data-quality run of this process',
      registers,
    }),
    dedupeIds: new Gauge({
      name: 'shopstream_processor_dedupe_ids',
      help: 'Event ids in the dedupe state of the owned partitions: hot (in memory) or sealed (on disk behind a filter)',
      labelNames: ['tier'],
      registers,
    }),
    dedupeBytes: new Gauge({
      name: 'shopstream_processor_dedupe_bytes',
      help: 'Bytes of the dedupe state: the hot table and the sealed filters in memory, the sealed tables on disk',
      labelNames: ['tier', 'medium'],
      registers,
    }),
  };
}
