export type { ServingStore, SqlExecutor } from './serving-store.js';
export { openServingStore, type ServingStoreOptions } from './open-serving-store.js';
export { openPgliteStore, type PgliteStoreOptions } from './pglite/pglite-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
export { runMigrations } from './migrate.js';
export { MIGRATIONS, type Migration } from './migrations/migration-list.js';
export type {
  GoldBatch,
  GoldCounterRow,
  GoldDimCounterRow,
  GoldProductRow,
  GoldOrderRow,
  AccountingDelta,
} from './gold-batch.js';
export { commitGoldBatch, finalizeWindows } from './commit-gold-batch.js';
export {
  claimPartitions,
  commitLakePositions,
  readPositions,
  type LakePositionCommit,
  type ClaimRequest,
  type ClaimedPosition,
  type PositionRow,
} from './partition-positions.js';
export {
  accountingCloses,
  accountingGaps,
  readAccounting,
  type AccountingCounts,
  type AccountingRow,
} from './partition-accounting.js';
export {
  queryKpis,
  latestKpis,
  type KpiQuery,
  type KpiPoint,
  type KpiGrain,
  type LatestKpi,
} from './kpi-queries.js';
export { KPI_METRICS, type KpiMetric } from '../contract/kpi-metrics.js';
export {
  windowCommitsOf,
  deleteOldWindowCommits,
  type WindowCommit,
  type CommittedRange,
} from './window-commits.js';
