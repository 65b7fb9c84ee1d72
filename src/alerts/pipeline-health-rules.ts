import { accountingGaps, type AccountingCounts } from '../store/partition-accounting.js';
import type { RuleOutcome } from './alert-types.js';

const MINUTE_MS = 60_000;
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/** One observation of the processor, taken by the detector loop at `atMs` (detector clock). */
export interface PipelineSnapshot {
  readonly atMs: number;
  /** Newest committed event time over all partitions; null before any commit. */
  readonly maxEventTimeMs: number | null;
  readonly silverRows: number;
  readonly quarantineRows: number;
  readonly partitions: readonly PartitionSnapshot[];
}

export interface PartitionSnapshot {
  readonly partition: number;
  readonly nextOffset: number;
  readonly epoch: number;
  readonly lastCommitMs: number | null;
  /** Records in the log after the committed position; null when the log is not visible. */
  readonly lag: number | null;
  /** The partition's accounting row (one transaction with its position); null before its first commit. */
  readonly accounting: AccountingCounts | null;
}

/** Per partition metric (`partition_<n>`): its open accounting gap and when it was first seen. */
export type GapsSeen = Map<string, { readonly gap: string; readonly sinceMs: number }>;

/**
 * `accounting_gap` (critical): a partition's accounting does not close (`accountingGaps`: records
 * read != Bronze rows, or Bronze rows != Silver + quarantined + duplicates dropped). The processor
 * commits the counts in the same transaction as the position, so any gap is a defect (or a
 * hand-edited serving DB), never a race. `gapSince` (kept by the caller across passes) holds, per
 * partition, the open gap and when it was first seen, so one gap keeps one alert id: its window is
 * that minute. The alert resolves once the partition closes again.
 */
export function detectAccountingGap(s: PipelineSnapshot, gapSince: GapsSeen): RuleOutcome[] {
  return s.partitions.flatMap((p): RuleOutcome[] => {
    const metric = `partition_${p.partition}`;
    const a = p.accounting;
    if (a === null) return [];
    const { readGap, splitGap } = accountingGaps(a);
    if (readGap === 0 && splitGap === 0) {
      gapSince.delete(metric);
      return [{ kind: 'ok', rule: 'accounting_gap', metric, windowStartMs: minuteOf(s.atMs) }];
    }
    const gap = `${readGap}:${splitGap}`;
    const seen = gapSince.get(metric);
    const sinceMs = seen?.gap === gap ? seen.sinceMs : s.atMs;
    gapSince.set(metric, { gap, sinceMs });
    const parts = [
      ...(readGap === 0 ? [] : [`records read ${a.recordsRead} != Bronze rows ${a.bronzeRows}`]),
      ...(splitGap === 0
        ? []
        : [
            `Bronze rows ${a.bronzeRows} != Silver ${a.silverRows} + quarantined ${a.quarantineRows} + duplicates ${a.duplicatesDropped}`,
          ]),
    ];
    return [
      fire(
        'accounting_gap',
        metric,
        minuteOf(sinceMs),
        'critical',
        Math.abs(readGap) + Math.abs(splitGap),
        0,
        `partition ${p.partition}: accounting does not close: ${parts.join('; ')}`,
      ),
    ];
  });
}

/**
 * `no_data` (critical): no committed event newer than `noDataMs` before now. The alert's window is
 * the minute of the newest event, so it is raised once per outage and resolves when data returns.
 */
export function detectNoData(s: PipelineSnapshot, noDataMs: number): RuleOutcome {
  if (noDataMs === 0 || s.maxEventTimeMs === null)
    return { kind: 'skip', rule: 'no_data', metric: 'freshness', reason: 'off_or_no_history' };
  const ageMs = s.atMs - s.maxEventTimeMs;
  const windowStartMs = minuteOf(s.maxEventTimeMs);
  if (ageMs <= noDataMs) return { kind: 'ok', rule: 'no_data', metric: 'freshness', windowStartMs };
  return fire(
    'no_data',
    'freshness',
    windowStartMs,
    'critical',
    ageMs / 1000,
    noDataMs / 1000,
    `no events for ${Math.round(ageMs / 1000)} s (newest event ${new Date(s.maxEventTimeMs).toISOString()})`,
  );
}

/** `lag` (critical): some partition has records waiting while its last commit is older than maxLagMs. */
export function detectLag(s: PipelineSnapshot, maxLagMs: number): RuleOutcome {
  const waiting = s.partitions.filter((p) => (p.lag ?? 0) > 0);
  if (maxLagMs === 0 || s.partitions.every((p) => p.lag === null))
    return { kind: 'skip', rule: 'lag', metric: 'processing_lag', reason: 'off_or_log_not_visible' };
  const oldest = Math.min(...waiting.map((p) => p.lastCommitMs ?? 0));
  const lagMs = waiting.length === 0 ? 0 : s.atMs - oldest;
  if (lagMs <= maxLagMs)
    return { kind: 'ok', rule: 'lag', metric: 'processing_lag', windowStartMs: minuteOf(s.atMs) };
  return fire(
    'lag',
    'processing_lag',
    minuteOf(oldest),
    'critical',
    lagMs / 1000,
    maxLagMs / 1000,
    `records waiting for ${Math.round(lagMs / 1000)} s (${waiting.map((p) => `p${p.partition}: ${p.lag}`).join(', ')})`,
  );
}

/**
 * `data_quality` (warning): valid share = Δsilver / (Δsilver + Δquarantine) between the oldest
 * snapshot within `windowMs` and the newest is below `minValidPct`. Nothing judged = skip.
 */
export function detectValidShare(
  history: readonly PipelineSnapshot[],
  minValidPct: number,
  windowMs: number,
): RuleOutcome {
  const last = history.at(-1);
  const first = last === undefined ? undefined : history.find((h) => h.atMs >= last.atMs - windowMs);
  if (last === undefined || first === undefined || first === last)
    return { kind: 'skip', rule: 'data_quality', metric: 'valid_share', reason: 'no_history' };
  const silver = last.silverRows - first.silverRows;
  const judged = silver + last.quarantineRows - first.quarantineRows;
  if (judged <= 0)
    return { kind: 'skip', rule: 'data_quality', metric: 'valid_share', reason: 'nothing_judged' };
  const validPct = (100 * silver) / judged;
  const windowStartMs = minuteOf(first.atMs);
  if (validPct >= minValidPct)
    return { kind: 'ok', rule: 'data_quality', metric: 'valid_share', windowStartMs: minuteOf(last.atMs) };
  return fire(
    'data_quality',
    'valid_share',
    windowStartMs,
    'warning',
    validPct,
    minValidPct,
    `valid share ${validPct.toFixed(2)} % < ${minValidPct} % (${judged - silver} of ${judged} events quarantined)`,
  );
}

/**
 * `stuck_processor` (critical): a partition's position has not advanced for `stuckAfterMs` while
 * its lag is > 0; or its epoch was bumped (re-claimed) more than `maxEpochBumps` times within
 * `epochWindowMs` (a crash-looping processor).
 */
export function detectStuckProcessor(
  history: readonly PipelineSnapshot[],
  o: { stuckAfterMs: number; maxEpochBumps: number; epochWindowMs: number },
): RuleOutcome[] {
  const last = history.at(-1);
  if (last === undefined) return [];
  return last.partitions.flatMap((p) => {
    const metric = `partition_${p.partition}`;
    const nowWindow = minuteOf(last.atMs);
    const seen = history.map((h) => ({
      atMs: h.atMs,
      p: h.partitions.find((q) => q.partition === p.partition),
    }));
    const bumps = epochBumps(
      seen.filter((s) => s.atMs >= last.atMs - o.epochWindowMs).map((s) => s.p?.epoch),
    );
    const crash: RuleOutcome =
      bumps > o.maxEpochBumps
        ? fire(
            'crash_loop',
            metric,
            nowWindow,
            'critical',
            bumps,
            o.maxEpochBumps,
            `partition ${p.partition} was re-claimed ${bumps} times within ${o.epochWindowMs / 1000} s`,
          )
        : { kind: 'ok', rule: 'crash_loop', metric, windowStartMs: nowWindow };
    const sinceMs = unchangedSinceMs(seen, p.nextOffset);
    const stuckMs = last.atMs - sinceMs;
    const stuck: RuleOutcome =
      (p.lag ?? 0) > 0 && stuckMs >= o.stuckAfterMs
        ? fire(
            'stuck_processor',
            metric,
            minuteOf(sinceMs),
            'critical',
            stuckMs / 1000,
            o.stuckAfterMs / 1000,
            `partition ${p.partition} has not advanced from offset ${p.nextOffset} for ${Math.round(stuckMs / 1000)} s with ${p.lag} records waiting`,
          )
        : { kind: 'ok', rule: 'stuck_processor', metric, windowStartMs: nowWindow };
    return [crash, stuck];
  });
}

/** Sum of epoch increases between consecutive observations (a partition missing is ignored). */
function epochBumps(epochs: readonly (number | undefined)[]): number {
  let bumps = 0;
  let prev: number | undefined;
  for (const e of epochs) {
    if (e !== undefined && prev !== undefined && e > prev) bumps += e - prev;
    if (e !== undefined) prev = e;
  }
  return bumps;
}

/** Time of the first observation of the trailing run in which the partition sat at `offset`. */
function unchangedSinceMs(
  seen: readonly { atMs: number; p: PartitionSnapshot | undefined }[],
  offset: number,
): number {
  let since = seen.at(-1)!.atMs;
  for (let i = seen.length - 1; i >= 0 && seen[i]!.p?.nextOffset === offset; i--) since = seen[i]!.atMs;
  return since;
}

function fire(
  rule: string,
  metric: string,
  windowStartMs: number,
  severity: 'warning' | 'critical',
  value: number,
  limit: number,
  message: string,
): RuleOutcome {
  return {
    kind: 'fire',
    alert: {
      rule,
      metric,
      windowStartMs,
      severity,
      value,
      baseline: limit,
      zScore: null,
      message,
      details: {},
    },
  };
}
