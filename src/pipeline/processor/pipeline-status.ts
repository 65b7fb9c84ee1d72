import type { EventLog } from '../../log/event-log.js';
import {
  accountingCloses,
  readAccounting,
  readPositions,
  type AccountingRow,
  type SqlExecutor,
} from '../../store/index.js';

export interface PartitionStatus extends AccountingRow {
  readonly logNextOffset: number | null;
  readonly committedNextOffset: number;
  /** Records in the log not yet committed in Gold. */
  readonly lag: number | null;
  readonly epoch: number;
  readonly owner: string;
  readonly committedAt: string | null;
  readonly streamTime: string | null;
  /** Lake position: every offset below it is in committed lake files. */
  readonly lakeNextOffset: number;
  /** Records committed in Gold whose lake rows wait for the next flush (lake.flushMaxBytes/AgeMs). */
  readonly lakeBehind: number;
  readonly lakeCommittedAt: string | null;
  /** records_read = bronze_rows = silver_rows + quarantine_rows + duplicates_dropped */
  readonly invariantHolds: boolean;
}

export interface PipelineStatus {
  readonly topic: string;
  readonly partitions: readonly PartitionStatus[];
  readonly totals: Omit<AccountingRow, 'partition'> & { lag: number | null };
  readonly invariantHolds: boolean;
  /** now - newest committed event time, in ms; null before the first commit. */
  readonly freshnessMs: number | null;
  readonly lastCommitAt: string | null;
  /** One-minute windows in Gold: still open for updates, and marked final. */
  readonly windows: { readonly open: number; readonly final: number; readonly newestFinal: string | null };
}

/**
 * Accounting, positions, lag and freshness of the processor for one topic, from the serving DB
 * (positions of record) and the log (its end offsets). Used by `shopstream status` and the API.
 */
export async function readPipelineStatus(
  db: SqlExecutor,
  log: EventLog | undefined,
  topic: string,
  nowMs: number,
): Promise<PipelineStatus> {
  const accounting = await readAccounting(db, topic);
  const positions = await readPositions(db, topic);
  const windows = await readWindowCounts(db);
  const topicInfo = await log?.describeTopic(topic);
  const byPartition = new Map(accounting.map((a) => [a.partition, a]));
  const ends = new Map((topicInfo?.partitions ?? []).map((p) => [p.partition, p.nextOffset]));
  const partitions = positions.map((pos): PartitionStatus => {
    const a = byPartition.get(pos.partition) ?? emptyAccounting(pos.partition);
    const end = ends.get(pos.partition) ?? null;
    return {
      ...a,
      logNextOffset: end,
      committedNextOffset: pos.nextOffset,
      lag: end === null ? null : Math.max(0, end - pos.nextOffset),
      epoch: pos.epoch,
      owner: pos.owner,
      committedAt: pos.committedAt?.toISOString() ?? null,
      streamTime: pos.maxEventTime?.toISOString() ?? null,
      lakeNextOffset: pos.lakeNextOffset,
      lakeBehind: Math.max(0, pos.nextOffset - pos.lakeNextOffset),
      lakeCommittedAt: pos.lakeCommittedAt?.toISOString() ?? null,
      invariantHolds: accountingCloses(a),
    };
  });
  const newestEvent = Math.max(
    ...positions.map((p) => p.maxEventTime?.getTime() ?? Number.NEGATIVE_INFINITY),
  );
  const lastCommit = Math.max(...positions.map((p) => p.committedAt?.getTime() ?? Number.NEGATIVE_INFINITY));
  const totals = sumAccounting(partitions);
  return {
    topic,
    partitions,
    totals,
    invariantHolds: partitions.every((p) => p.invariantHolds),
    freshnessMs: Number.isFinite(newestEvent) ? nowMs - newestEvent : null,
    lastCommitAt: Number.isFinite(lastCommit) ? new Date(lastCommit).toISOString() : null,
    windows,
  };
}

async function readWindowCounts(db: SqlExecutor): Promise<PipelineStatus['windows']> {
  const rows = await db.query<{ open: number | string; final: number | string; newest_final: Date | null }>(
    `SELECT count(*) FILTER (WHERE finalized_at IS NULL) AS open,
            count(*) FILTER (WHERE finalized_at IS NOT NULL) AS final,
            max(window_start) FILTER (WHERE finalized_at IS NOT NULL) AS newest_final
     FROM serving.kpi_window`,
  );
  const r = rows[0];
  return {
    open: Number(r?.open ?? 0),
    final: Number(r?.final ?? 0),
    newestFinal: r?.newest_final ? new Date(r.newest_final).toISOString() : null,
  };
}

function emptyAccounting(partition: number): AccountingRow {
  return {
    partition,
    recordsRead: 0,
    bronzeRows: 0,
    silverRows: 0,
    quarantineRows: 0,
    duplicatesDropped: 0,
    lateQuarantined: 0,
    reasonCounts: {},
  };
}

function sumAccounting(parts: readonly PartitionStatus[]): PipelineStatus['totals'] {
  const reasonCounts: Record<string, number> = {};
  let lag: number | null = 0;
  const t = {
    recordsRead: 0,
    bronzeRows: 0,
    silverRows: 0,
    quarantineRows: 0,
    duplicatesDropped: 0,
    lateQuarantined: 0,
  };
  for (const p of parts) {
    t.recordsRead += p.recordsRead;
    t.bronzeRows += p.bronzeRows;
    t.silverRows += p.silverRows;
    t.quarantineRows += p.quarantineRows;
    t.duplicatesDropped += p.duplicatesDropped;
    t.lateQuarantined += p.lateQuarantined;
    lag = lag === null || p.lag === null ? null : lag + p.lag;
    for (const [reason, n] of Object.entries(p.reasonCounts))
      reasonCounts[reason] = (reasonCounts[reason] ?? 0) + n;
  }
  return { ...t, reasonCounts, lag };
}
