import type { ServingStore } from './serving-store.js';

/** Tables derived from the log by the processor; `replay` empties them before re-deriving. */
const DERIVED_TABLES = [
  'serving.kpi_minute',
  'serving.kpi_counts',
  'serving.kpi_dim_counts',
  'serving.kpi_window',
  'serving.kpi_window_commits',
  'serving.product_minute',
  'serving.product_10m',
  'serving.recent_orders',
  'serving.partition_accounting',
  'serving.quarantine_reasons',
] as const;

/**
 * Empties Gold and the accounting of `topic` and rewinds its positions to offset 0 (epochs are
 * kept: the replaying processor claims with epoch + 1, which fences any processor still running).
 * One transaction: either everything is reset or nothing.
 */
export async function resetGold(store: ServingStore, topic: string): Promise<void> {
  await store.transaction(async (tx) => {
    for (const table of DERIVED_TABLES) await tx.query(`DELETE FROM ${table}`);
    await tx.query(
      `UPDATE serving.processor_positions SET next_offset = 0, max_event_time = NULL,
         lake_next_offset = 0, lake_stream_time = NULL WHERE topic = $1`,
      [topic],
    );
  });
}
