/**
 * The Delta Lake protocol actions shopstream writes and reads (protocol reader 1 / writer 2, no
 * table features). One commit file `_delta_log/<version:20>.json` holds one action per line, each
 * a JSON object with exactly one of these keys. Field names are the protocol's (camelCase), so the
 * objects are written as they are. Spec: https://github.com/delta-io/delta/blob/master/PROTOCOL.md
 */

export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
}

export interface MetaDataAction {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: { readonly provider: 'parquet'; readonly options: Readonly<Record<string, string>> };
  /** A Spark StructType as JSON text (see `delta-schema.ts`). */
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number | null;
}

/** Per-file statistics, stored as JSON text in `add.stats`. */
export interface FileStats {
  readonly numRecords: number;
  readonly minValues?: Readonly<Record<string, string | number>>;
  readonly maxValues?: Readonly<Record<string, string | number>>;
  readonly nullCount?: Readonly<Record<string, number>>;
}

export interface AddAction {
  /** Relative to the table root, URL-encoded (RFC 2396 path), e.g. `event_date=2026-12-03/event_hour=10/p0-...parquet`. */
  readonly path: string;
  /** Partition column -> value as a string (null for a null value). */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** `FileStats` as JSON text. */
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
}

export interface RemoveAction {
  readonly path: string;
  readonly deletionTimestamp: number;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: Readonly<Record<string, string | null>>;
  readonly size?: number;
}

/** Application transaction: the last `version` an application (`appId`) committed to the table. */
export interface TxnAction {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export interface CommitInfoAction {
  readonly timestamp: number;
  readonly operation: string;
  readonly operationParameters?: Readonly<Record<string, string>>;
  readonly isBlindAppend?: boolean;
  readonly engineInfo?: string;
  readonly readVersion?: number;
  readonly [key: string]: unknown;
}

export type DeltaAction =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetaDataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction };

/** `_delta_log/<version padded to 20 digits>.json` */
export const commitKey = (version: number): string => `_delta_log/${String(version).padStart(20, '0')}.json`;
/** `_delta_log/<version:20>.checkpoint.parquet` (single-part checkpoint) */
export const checkpointKey = (version: number): string =>
  `_delta_log/${String(version).padStart(20, '0')}.checkpoint.parquet`;
export const LAST_CHECKPOINT_KEY = '_delta_log/_last_checkpoint';

/** The `_last_checkpoint` file's content. */
export interface LastCheckpoint {
  readonly version: number;
  /** Number of actions in the checkpoint. */
  readonly size: number;
}

/** The state of a table at one version: what a checkpoint stores and what readers need. */
export interface TableState {
  readonly version: number;
  readonly protocol: ProtocolAction;
  readonly metaData: MetaDataAction;
  /** Live files by path. */
  readonly files: ReadonlyMap<string, AddAction>;
  /** Remove tombstones still within the retention (vacuum deletes their files after it). */
  readonly tombstones: ReadonlyMap<string, RemoveAction>;
  /** appId -> last committed version. */
  readonly txns: ReadonlyMap<string, TxnAction>;
}
