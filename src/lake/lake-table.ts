import type { ShopEvent } from '../contract/event.js';

/**
 * The lake port: Bronze, Silver and quarantine as Parquet files, one file per (batch of log
 * records, hive partition). Implementations: `duckdb/` (local folder).
 *
 * Layout: `<dir>/<table>/<hive dirs>/p<partition>-<fromOffset:20>-<toOffset:20>.parquet`.
 * One lake folder holds the tables of one source topic (the file name carries no topic).
 */

export type LakeTableName = 'bronze' | 'silver' | 'quarantine';
export const LAKE_TABLES: readonly LakeTableName[] = ['bronze', 'silver', 'quarantine'];

export type LakeCompression = 'zstd' | 'snappy' | 'uncompressed';

/** The log records a batch was built from: partition and inclusive offsets. */
export interface FileKey {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
}

/** One log record as read. Columns: topic, partition, offset, log_key, log_timestamp, raw_json, raw_bytes, event_id, event_type, event_time, ingest_time, user_id. */
export interface BronzeRow {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly logKey: string | null;
  /** The log timestamp (epoch ms); also the hive partition `ingest_date/ingest_hour`. */
  readonly logTimestampMs: number;
  /** The record exactly as read, when it is valid UTF-8 (see `rawRecordColumns`). */
  readonly rawJson: string | null;
  /** The record bytes, only when they are NOT valid UTF-8 (then rawJson is null). */
  readonly rawBytes: Uint8Array | null;
  // Best-effort typed fields (null when unreadable).
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly eventTimeMs: number | null;
  readonly ingestTimeMs: number | null;
  readonly userId: string | null;
}

/** One valid, deduplicated event. Columns: every contract field, drift_json, topic, partition, offset. */
export interface SilverRow {
  readonly event: ShopEvent;
  /** `event.event_time` as epoch ms; also the hive partition `event_date/event_hour`. */
  readonly eventTimeMs: number;
  /** `event.ingest_time` as epoch ms. */
  readonly ingestTimeMs: number;
  /** Unknown extra fields as a JSON object text, null when none. */
  readonly driftJson: string | null;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** One rejected record. Columns: Bronze's raw columns + reasons, reason_list, event_id. */
export interface QuarantineRow {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly logKey: string | null;
  /** Epoch ms; also the hive partition `ingest_date/ingest_hour`. */
  readonly logTimestampMs: number;
  readonly rawJson: string | null;
  readonly rawBytes: Uint8Array | null;
  /** Reason codes in the contract's fixed order; stored joined (`reasons`) and as a list (`reason_list`). */
  readonly reasons: readonly string[];
  readonly eventId: string | null;
}

/** A lake file that was written. */
export interface LakeFile {
  readonly table: LakeTableName;
  /** Path relative to the lake folder, with `/` separators. */
  readonly path: string;
  readonly rows: number;
}

export interface RemoveUncommittedOptions {
  readonly partition: number;
  /** The committed position: the next offset to process. Files starting at or after it go. */
  readonly committedNextOffset: number;
  /** Default: every table. */
  readonly tables?: readonly LakeTableName[];
  /** The log topic of the partition (its txn appId); default: any topic's. */
  readonly topic?: string;
  /**
   * Only tables where the partition has no txn (written before Delta, or by non-idempotent
   * appends): a tracked partition's rows past the position are recognised by the next
   * idempotent append instead (the processor's recovery).
   */
  readonly untrackedOnly?: boolean;
}

/**
 * Writes lake tables: Delta tables (`src/lake/delta/`) whose data files are Parquet. Guarantees
 * of every `write*` call:
 * - one data file per hive partition touched, named from the key (deterministic), written under
 *   a temporary name, fsync'd (lake.fsync) and renamed;
 * - then ONE Delta commit adds them: readers see all of the call's rows or none; a file that no
 *   commit references (a crash before the commit) is never read, and `lake vacuum` deletes it.
 * An empty row array writes nothing. Failures throw SHOP_LAKE_WRITE_FAILED.
 */
export interface LakeWriter {
  readonly dir: string;
  writeBronze(rows: readonly BronzeRow[], key: FileKey): Promise<readonly LakeFile[]>;
  writeSilver(rows: readonly SilverRow[], key: FileKey): Promise<readonly LakeFile[]>;
  writeQuarantine(rows: readonly QuarantineRow[], key: FileKey): Promise<readonly LakeFile[]>;
  /**
   * Rolls one log partition back to `committedNextOffset`: a Delta commit per table removes the
   * partition's files starting at or after it and moves its txn version back. Used by replay
   * (rewrite Silver and quarantine from offset 0) and by the processor's recovery for partitions
   * not tracked by a txn (`untrackedOnly`). Returns the removed paths, relative to the lake folder.
   */
  removeUncommitted(options: RemoveUncommittedOptions): Promise<readonly string[]>;
  close(): Promise<void>;
}
