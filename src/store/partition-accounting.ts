import { batchPartitions, type AccountingDelta, type GoldBatch } from './gold-batch.js';
import type { SqlExecutor } from './serving-store.js';

export interface AccountingRow {
  readonly partition: number;
  readonly recordsRead: number;
  readonly bronzeRows: number;
  readonly silverRows: number;
  readonly quarantineRows: number;
  readonly duplicatesDropped: number;
  readonly lateQuarantined: number;
  readonly reasonCounts: Record<string, number>;
}

/** The counts the accounting identity is over. */
export type AccountingCounts = Pick<
  AccountingRow,
  'recordsRead' | 'bronzeRows' | 'silverRows' | 'quarantineRows' | 'duplicatesDropped'
>;

/**
 * How far the accounting is from closing: records read - Bronze rows, and Bronze rows - (Silver +
 * quarantined + duplicates dropped). Both 0 is the invariant the processor keeps (every record read
 * is in Bronze and is exactly one of the three).
 */
export function accountingGaps(a: AccountingCounts): { readGap: number; splitGap: number } {
  return {
    readGap: a.recordsRead - a.bronzeRows,
    splitGap: a.bronzeRows - (a.silverRows + a.quarantineRows + a.duplicatesDropped),
  };
}

export function accountingCloses(a: AccountingCounts): boolean {
  const { readGap, splitGap } = accountingGaps(a);
  return readGap === 0 && splitGap === 0;
}

const ZERO: AccountingDelta = {
  recordsRead: 0,
  bronzeRows: 0,
  silverRows: 0,
  quarantineRows: 0,
  duplicatesDropped: 0,
  lateQuarantined: 0,
  reasonCounts: {},
};

/** Step 7 of the Gold commit: adds the batch's accounting deltas per partition and per reason. */
export async function addAccountingDeltas(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  const partitions = batchPartitions(batch);
  const deltas = partitions.map((p) => batch.accounting[p] ?? ZERO);
  await tx.query(
    `INSERT INTO serving.partition_accounting AS a
       (topic, partition, records_read, bronze_rows, silver_rows, quarantine_rows, duplicates_dropped, late_quarantined)
     SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
     ON CONFLICT (topic, partition) DO UPDATE SET
       records_read = a.records_read + excluded.records_read, bronze_rows = a.bronze_rows + excluded.bronze_rows,
       silver_rows = a.silver_rows + excluded.silver_rows, quarantine_rows = a.quarantine_rows + excluded.quarantine_rows,
       duplicates_dropped = a.duplicates_dropped + excluded.duplicates_dropped,
       late_quarantined = a.late_quarantined + excluded.late_quarantined`,
    [
      batch.topic,
      partitions,
      deltas.map((d) => d.recordsRead),
      deltas.map((d) => d.bronzeRows),
      deltas.map((d) => d.silverRows),
      deltas.map((d) => d.quarantineRows),
      deltas.map((d) => d.duplicatesDropped),
      deltas.map((d) => d.lateQuarantined),
    ],
  );
  await addReasonCounts(tx, batch.topic, partitions, deltas);
}

async function addReasonCounts(
  tx: SqlExecutor,
  topic: string,
  partitions: number[],
  deltas: AccountingDelta[],
): Promise<void> {
  const rows = partitions.flatMap((p, i) =>
    Object.entries(deltas[i]?.reasonCounts ?? {})
      .filter(([, count]) => count !== 0)
      .map(([reason, count]) => ({ p, reason, count })),
  );
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO serving.quarantine_reasons AS q (topic, partition, reason, count)
     SELECT $1, p, r, sum(c) FROM unnest($2::int[], $3::text[], $4::bigint[]) AS u(p, r, c)
     GROUP BY p, r ORDER BY p, r
     ON CONFLICT (topic, partition, reason) DO UPDATE SET count = q.count + excluded.count`,
    [topic, rows.map((r) => r.p), rows.map((r) => r.reason), rows.map((r) => r.count)],
  );
}

/** Accounting of a topic per partition, with quarantine counts by reason. */
export async function readAccounting(db: SqlExecutor, topic: string): Promise<AccountingRow[]> {
  const rows = await db.query<Record<string, number>>(
    `SELECT partition, records_read, bronze_rows, silver_rows, quarantine_rows, duplicates_dropped, late_quarantined
     FROM serving.partition_accounting WHERE topic = $1 ORDER BY partition`,
    [topic],
  );
  const reasons = await db.query<{ partition: number; reason: string; count: number }>(
    'SELECT partition, reason, count FROM serving.quarantine_reasons WHERE topic = $1',
    [topic],
  );
  return rows.map((r) => ({
    partition: Number(r.partition),
    recordsRead: Number(r.records_read),
    bronzeRows: Number(r.bronze_rows),
    silverRows: Number(r.silver_rows),
    quarantineRows: Number(r.quarantine_rows),
    duplicatesDropped: Number(r.duplicates_dropped),
    lateQuarantined: Number(r.late_quarantined),
    reasonCounts: Object.fromEntries(
      reasons.filter((x) => x.partition === r.partition).map((x) => [x.reason, x.count]),
    ),
  }));
}
