import type { CommitInfo, ProcessorStats } from '../pipeline/processor/stream-processor.js';
import type { PipelineStatus } from '../pipeline/processor/pipeline-status.js';
import type { DeliveryAttempt } from '../alerts/webhook-delivery.js';
import type { RecordStage, ShopMetrics } from './shop-metrics.js';

const BACKGROUND_STAGES = new Set(['lakeWrite', 'lakeCommit']);

/**
 * Turns the processor's `onCommit` calls and `stats()` into metrics. Call `onCommit` from the
 * processor's onCommit hook: the cycle's duration and commit duration are the growth of the stage
 * timers since the previous commit.
 */
export class ProcessorMetricsAdapter {
  private lastStageMs: Record<string, number> | undefined;

  constructor(
    private readonly metrics: ShopMetrics,
    private readonly stats: () => ProcessorStats,
  ) {}

  onCommit(info: CommitInfo): void {
    this.metrics.processedRecords.inc(info.records);
    this.metrics.commits.inc();
    const stats = this.stats();
    const now = stats.stageMs;
    const prev = this.lastStageMs ?? Object.fromEntries(Object.keys(now).map((k) => [k, 0]));
    let cycleMs = 0;
    for (const [stage, ms] of Object.entries(now)) {
      const delta = Math.max(0, ms - (prev[stage] ?? 0));
      // Lake flushes run in the background of the cycles (step 6): not part of a cycle's time.
      if (!BACKGROUND_STAGES.has(stage)) cycleMs += delta;
      if (delta > 0) this.metrics.stageSeconds.inc({ stage }, delta / 1000);
    }
    this.metrics.batchSeconds.observe(cycleMs / 1000);
    const d = stats.dedupe;
    this.metrics.dedupeIds.set({ tier: 'hot' }, d.memoryIds);
    this.metrics.dedupeIds.set({ tier: 'sealed' }, d.sealedIds);
    this.metrics.dedupeBytes.set({ tier: 'hot', medium: 'memory' }, d.memoryBytes);
    this.metrics.dedupeBytes.set({ tier: 'sealed', medium: 'memory' }, d.sealedMemoryBytes);
    this.metrics.dedupeBytes.set({ tier: 'sealed', medium: 'disk' }, d.sealedDiskBytes);
    this.metrics.commitSeconds.observe(Math.max(0, now.storeCommit - (prev['storeCommit'] ?? 0)) / 1000);
    this.lastStageMs = { ...now };
  }
}

/** Sets the DB-backed metrics from one `readPipelineStatus` result (the numbers of `shopstream status`). */
export function applyPipelineStatus(metrics: ShopMetrics, s: PipelineStatus): void {
  const t = s.totals;
  const stages: Record<RecordStage, number> = {
    read: t.recordsRead,
    bronze: t.bronzeRows,
    silver: t.silverRows,
    quarantine: t.quarantineRows,
    duplicates: t.duplicatesDropped,
    late: t.lateQuarantined,
  };
  metrics.stageRecords.reset();
  for (const [stage, n] of Object.entries(stages)) metrics.stageRecords.inc({ stage }, n);
  metrics.quarantined.reset();
  for (const [reason, n] of Object.entries(t.reasonCounts)) metrics.quarantined.inc({ reason }, n);
  metrics.partitionLag.reset();
  for (const p of s.partitions)
    if (p.lag !== null) metrics.partitionLag.set({ partition: String(p.partition) }, p.lag);
  if (s.freshnessMs !== null) metrics.freshnessSeconds.set(s.freshnessMs / 1000);
}

/** Counts one webhook attempt: outcome sent, failed (will retry) or dead (gave up). */
export function recordDelivery(metrics: ShopMetrics, a: DeliveryAttempt): void {
  metrics.alertDeliveries.inc({ format: a.format, outcome: a.ok ? 'sent' : a.dead ? 'dead' : 'failed' });
}
