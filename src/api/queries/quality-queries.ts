import type { ApiStore } from './api-store.js';

export interface AccountingTotals {
  recordsRead: number;
  bronzeRows: number;
  silverRows: number;
  quarantineRows: number;
  duplicatesDropped: number;
  /** Part of quarantineRows: events older than the watermark. */
  lateQuarantined: number;
}

/**
 * Accounting summed over every partition of `serving.partition_accounting`. The invariant the
 * processor keeps: records read = Bronze rows = Silver + quarantine + duplicates dropped.
 */
export async function accountingTotals(store: ApiStore): Promise<AccountingTotals> {
  const rows = await store.query<AccountingTotals>(
    `SELECT coalesce(sum(records_read), 0)::float8 AS "recordsRead", coalesce(sum(bronze_rows), 0)::float8 AS "bronzeRows",
            coalesce(sum(silver_rows), 0)::float8 AS "silverRows", coalesce(sum(quarantine_rows), 0)::float8 AS "quarantineRows",
            coalesce(sum(duplicates_dropped), 0)::float8 AS "duplicatesDropped",
            coalesce(sum(late_quarantined), 0)::float8 AS "lateQuarantined"
       FROM serving.partition_accounting`,
  );
  const r = rows[0];
  return {
    recordsRead: Number(r?.recordsRead ?? 0),
    bronzeRows: Number(r?.bronzeRows ?? 0),
    silverRows: Number(r?.silverRows ?? 0),
    quarantineRows: Number(r?.quarantineRows ?? 0),
    duplicatesDropped: Number(r?.duplicatesDropped ?? 0),
    lateQuarantined: Number(r?.lateQuarantined ?? 0),
  };
}

/** Quarantined events per reason code since the pipeline started, largest first. */
export async function quarantineByReason(store: ApiStore): Promise<{ reason: string; count: number }[]> {
  const rows = await store.query<{ reason: string; count: number }>(
    `SELECT reason, sum(count)::float8 AS count FROM serving.quarantine_reasons GROUP BY reason ORDER BY count DESC, reason`,
  );
  return rows.map((r) => ({ reason: r.reason, count: Number(r.count) }));
}
