export {
  LAKE_TABLES,
  type BronzeRow,
  type FileKey,
  type LakeCompression,
  type LakeFile,
  type LakeTableName,
  type LakeWriter,
  type QuarantineRow,
  type RemoveUncommittedOptions,
  type SilverRow,
} from './lake-table.js';
export { Lake, openLake, type DuckDBMemoryTag, type OpenLakeOptions } from './duckdb/open-lake.js';
export { queryLake, ensureLakeViews, type LakeParam, type LakeRow } from './duckdb/query-lake.js';
export type { JsonValue } from './duckdb/json-safe-value.js';
export { lakeViews, readParquetSql, tableSql } from './lake-views.js';
export { LakeFileIndex, type LiveFile, type ListFilesOptions } from './lake-file-index.js';
export { lakeFileName, parseLakeFileName } from './lake-file-names.js';
export { rawRecordColumns, type RawRecordColumns } from './raw-record-columns.js';
export { recomputeKpiMinuteFromSilver, type KpiMinuteRow, type KpiRecomputeRange } from './kpi-recompute.js';
export { streamSilverEventIdsSince, type SilverEventId } from './silver-event-ids.js';
export { TABLE_COLUMNS, HIVE_COLUMNS } from './table-columns.js';
export { KPI_METRICS } from '../contract/kpi-metrics.js';
export { compactLake, runsToMerge, type CompactOptions, type CompactResult } from './duckdb/compact-lake.js';
export { EMPTY_VERSION, type LakeVersions } from './lake-file-index.js';
export { DeltaTable, TableSnapshot, type CommitSummary } from './delta/delta-table.js';
export {
  vacuumTable,
  truncateLog,
  pinVersion,
  unpinVersion,
  activePins,
  type VacuumResult,
  type LogCleanupResult,
  type LakePin,
} from './delta/vacuum.js';
export { resolveLakeVersions, resolveTableVersion, type AsOf, type TableAsOf } from './time-travel.js';
export type { LakeStorage } from './storage/lake-storage.js';
export { S3LakeStorage, parseS3Url } from './storage/s3-storage.js';
