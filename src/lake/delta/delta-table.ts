import { ShopError } from '../../errors/index.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import {
  LAST_CHECKPOINT_KEY,
  checkpointKey,
  commitKey,
  type AddAction,
  type CommitInfoAction,
  type DeltaAction,
  type LastCheckpoint,
  type MetaDataAction,
  type ProtocolAction,
  type RemoveAction,
  type TableState,
  type TxnAction,
} from './delta-actions.js';

/** Reads and writes checkpoint objects (Parquet, through DuckDB: `duckdb-checkpoints.ts`). */
export interface CheckpointIo {
  /** Writes the state as a checkpoint at `key` (relative to the storage root); returns the action count. */
  write(storage: LakeStorage, key: string, state: TableState): Promise<number>;
  read(storage: LakeStorage, key: string): Promise<Omit<TableState, 'version'>>;
}

export interface DeltaTableOptions {
  /** Write a checkpoint every this many commits (default 10, as Delta). 0 = never. */
  readonly checkpointInterval?: number;
  readonly checkpoints?: CheckpointIo;
  readonly nowMs?: () => number;
  /** commitInfo.engineInfo */
  readonly engineInfo?: string;
  /**
   * A `remove` tombstone older than this is dropped from the state when a checkpoint is written
   * (Delta's `deletedFileRetentionDuration`, default 7 days), so neither the checkpoints nor the
   * state in memory grow with every file compaction ever replaced. Must be at least the vacuum
   * retention: vacuum dates a file without a tombstone by its modification, which is older.
   */
  readonly tombstoneRetentionMs?: number;
}

/** Delta's default `deletedFileRetentionDuration`. */
export const DEFAULT_TOMBSTONE_RETENTION_MS = 7 * 24 * 3_600_000;

/** One commit's summary (`shopstream lake history`). */
export interface CommitSummary {
  readonly version: number;
  readonly timestampMs: number;
  readonly operation: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly addedFiles: number;
  readonly removedFiles: number;
  readonly addedRows: number;
}

export interface CommitRequest {
  /** The actions, without commitInfo (added here). */
  readonly actions: readonly DeltaAction[];
  readonly operation: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * The version of each application transaction the work was based on (null: none yet). The
   * commit fails with SHOP_LAKE_COMMIT_CONFLICT when the table holds another one: a concurrent
   * writer (a zombie processor) committed for the same appId in between.
   */
  readonly expectedTxns?: ReadonlyMap<string, number | null>;
  /** The version the work read (default: the latest at the call). */
  readonly readVersion?: number;
}

/** A table at one version. Immutable: a newer version is a new snapshot. */
export class TableSnapshot implements TableState {
  constructor(
    readonly version: number,
    readonly protocol: ProtocolAction,
    readonly metaData: MetaDataAction,
    readonly files: ReadonlyMap<string, AddAction>,
    readonly tombstones: ReadonlyMap<string, RemoveAction>,
    readonly txns: ReadonlyMap<string, TxnAction>,
    /** commitInfo.timestamp of this version (0 when unknown: loaded from a checkpoint). */
    readonly timestampMs: number,
  ) {}

  txnVersion(appId: string): number | null {
    return this.txns.get(appId)?.version ?? null;
  }
}

const MAX_COMMIT_ATTEMPTS = 1_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Parses one commit file: one JSON action per line; unknown action kinds are kept out. */
function parseCommit(bytes: Uint8Array, key: string): DeltaAction[] {
  const out: DeltaAction[] = [];
  for (const line of decoder.decode(bytes).split('\n')) {
    if (line.trim() === '') continue;
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch (err) {
      throw new ShopError('SHOP_LAKE_LOG_INVALID', `${key}: a line is not JSON: ${(err as Error).message}`, {
        cause: err,
        details: { key },
      });
    }
    if (action !== null && typeof action === 'object') out.push(action as DeltaAction);
  }
  return out;
}

const serialize = (actions: readonly DeltaAction[]): Uint8Array =>
  encoder.encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n');

/** Mutable state while replaying actions; frozen into a TableSnapshot. */
class StateBuilder {
  protocol: ProtocolAction | undefined;
  metaData: MetaDataAction | undefined;
  readonly files: Map<string, AddAction>;
  readonly tombstones: Map<string, RemoveAction>;
  readonly txns: Map<string, TxnAction>;

  constructor(from?: Omit<TableState, 'version'>) {
    this.protocol = from?.protocol;
    this.metaData = from?.metaData;
    this.files = new Map(from?.files);
    this.tombstones = new Map(from?.tombstones);
    this.txns = new Map(from?.txns);
  }

  apply(actions: readonly DeltaAction[], key: string): void {
    for (const a of actions) {
      if ('add' in a) {
        this.files.set(a.add.path, a.add);
        this.tombstones.delete(a.add.path);
      } else if ('remove' in a) {
        this.files.delete(a.remove.path);
        this.tombstones.set(a.remove.path, a.remove);
      } else if ('txn' in a) this.txns.set(a.txn.appId, a.txn);
      else if ('metaData' in a) this.metaData = a.metaData;
      else if ('protocol' in a) {
        if (a.protocol.minReaderVersion > 1 || a.protocol.minWriterVersion > 2) {
          throw new ShopError(
            'SHOP_LAKE_LOG_INVALID',
            `${key}: the table needs Delta reader ${a.protocol.minReaderVersion} / writer ${a.protocol.minWriterVersion}; shopstream speaks reader 1 / writer 2`,
            { details: { key, ...a.protocol } },
          );
        }
        this.protocol = a.protocol;
      }
    }
  }

  freeze(version: number, timestampMs: number, key: string): TableSnapshot {
    if (this.protocol === undefined || this.metaData === undefined) {
      throw new ShopError(
        'SHOP_LAKE_LOG_INVALID',
        `${key}: no protocol or metaData action up to version ${version}`,
        {
          details: { key, version },
        },
      );
    }
    return new TableSnapshot(
      version,
      this.protocol,
      this.metaData,
      this.files,
      this.tombstones,
      this.txns,
      timestampMs,
    );
  }
}

const commitInfoOf = (actions: readonly DeltaAction[]): CommitInfoAction | undefined =>
  actions.find((a): a is { commitInfo: CommitInfoAction } => 'commitInfo' in a)?.commitInfo;

/**
 * One Delta table (`<root>/_delta_log/`) over a LakeStorage. Reading: the latest snapshot is kept
 * and brought up to date by reading the commits after it (one missing-object probe when nothing
 * changed); a cold open starts from `_last_checkpoint`. Writing: a commit is put-if-absent of
 * the next version's file; a writer that loses the race re-reads the winners and retries at the
 * next version unless they conflict with it (same txn appId, same removed file, metadata).
 */
export class DeltaTable {
  private latestSnapshot: TableSnapshot | undefined;
  private refreshing: Promise<TableSnapshot | undefined> | undefined;
  private readonly timestamps = new Map<number, number>();
  private readonly checkpointInterval: number;
  private readonly nowMs: () => number;
  private readonly tombstoneRetentionMs: number;

  constructor(
    readonly storage: LakeStorage,
    /** The table's folder below the storage root, without a trailing slash (e.g. `silver`). */
    readonly root: string,
    private readonly options: DeltaTableOptions = {},
  ) {
    this.checkpointInterval = options.checkpointInterval ?? 10;
    this.nowMs = options.nowMs ?? Date.now;
    this.tombstoneRetentionMs = options.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_RETENTION_MS;
  }

  private key(relative: string): string {
    return this.root === '' ? relative : `${this.root}/${relative}`;
  }

  /** The storage key of a data file path of an add/remove action. */
  dataKey(path: string): string {
    return this.key(decodeURIComponent(path));
  }

  /** Whether the table has a log (version 0 exists). */
  async exists(): Promise<boolean> {
    return (await this.latest()) !== undefined;
  }

  /** The latest snapshot, or undefined when the table has no commit yet. */
  async latest(): Promise<TableSnapshot | undefined> {
    // Concurrent callers share one refresh (each would otherwise re-read the same commits).
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The latest snapshot; SHOP_LAKE_LOG_INVALID when the table does not exist. */
  async require(): Promise<TableSnapshot> {
    const snap = await this.latest();
    if (snap === undefined)
      throw new ShopError('SHOP_LAKE_LOG_INVALID', `${this.storage.url}/${this.root} is not a Delta table`, {
        details: { root: this.root },
      });
    return snap;
  }

  private async refresh(): Promise<TableSnapshot | undefined> {
    let base = this.latestSnapshot;
    if (base === undefined) {
      const start = await this.loadStart();
      if (start === undefined) return undefined;
      base = start;
    }
    return this.keepLatest(await this.replay(base, Infinity));
  }

  /**
   * The newest checkpoint's snapshot (by `_last_checkpoint`), else version 0's, else, when the log
   * was truncated and the pointer is missing, the newest checkpoint listed; else undefined.
   */
  private async loadStart(): Promise<TableSnapshot | undefined> {
    const pointer = await this.storage.read(this.key(LAST_CHECKPOINT_KEY));
    if (pointer !== null && this.options.checkpoints !== undefined) {
      const last = JSON.parse(decoder.decode(pointer)) as LastCheckpoint;
      return this.loadCheckpoint(last.version);
    }
    const zero = await this.loadVersionZero();
    if (zero !== undefined) return zero;
    const newest = (await this.checkpointVersions()).at(-1);
    return newest === undefined ? undefined : this.loadCheckpoint(newest);
  }

  /**
   * The oldest version the log can still rebuild: 0, or, once log cleanup (`truncateLog`) removed
   * the commits before a checkpoint, the oldest checkpoint's version.
   */
  async earliestVersion(): Promise<number> {
    const latest = await this.require();
    if ((await this.storage.read(this.key(commitKey(0)))) !== null) return 0;
    return (await this.checkpointVersions())[0] ?? latest.version;
  }

  /** The versions of the checkpoints in the log, ascending (none without a checkpoint reader). */
  async checkpointVersions(): Promise<number[]> {
    if (this.options.checkpoints === undefined) return [];
    const versions: number[] = [];
    for (const o of await this.storage.list(this.key('_delta_log/'))) {
      const m = /(\d{20})\.checkpoint\.parquet$/.exec(o.key);
      if (m !== null) versions.push(Number(m[1]));
    }
    return versions.sort((a, b) => a - b);
  }

  private truncated(version: number, earliest: number): ShopError {
    return new ShopError(
      'SHOP_LAKE_VERSION_NOT_FOUND',
      `${this.root}: version ${version} is older than the log keeps (versions ${earliest}.. remain; lake.logRetentionHours)`,
      { details: { root: this.root, version, earliest } },
    );
  }

  /** Version 0's snapshot from its commit, or undefined when it does not exist. */
  private async loadVersionZero(): Promise<TableSnapshot | undefined> {
    const first = await this.readCommit(0);
    if (first === null) return undefined;
    const builder = new StateBuilder();
    builder.apply(first, this.key(commitKey(0)));
    return builder.freeze(0, this.recordTimestamp(0, first), this.key(commitKey(0)));
  }

  private async loadCheckpoint(version: number): Promise<TableSnapshot> {
    const io = this.options.checkpoints;
    if (io === undefined) throw new Error('no checkpoint reader configured');
    const key = this.key(checkpointKey(version));
    const state = await io.read(this.storage, key);
    return new StateBuilder(state).freeze(version, this.timestamps.get(version) ?? 0, key);
  }

  /** Applies the commits after `base` up to `upTo` (inclusive), as far as they exist. */
  private async replay(base: TableSnapshot, upTo: number): Promise<TableSnapshot> {
    let builder: StateBuilder | undefined;
    let version = base.version;
    let timestampMs = base.timestampMs;
    while (version < upTo) {
      const actions = await this.readCommit(version + 1);
      if (actions === null) break;
      builder ??= new StateBuilder(base);
      version += 1;
      builder.apply(actions, this.key(commitKey(version)));
      timestampMs = this.recordTimestamp(version, actions);
    }
    return builder === undefined ? base : builder.freeze(version, timestampMs, this.key(commitKey(version)));
  }

  private recordTimestamp(version: number, actions: readonly DeltaAction[]): number {
    const ts = commitInfoOf(actions)?.timestamp ?? 0;
    this.timestamps.set(version, ts);
    return ts;
  }

  private async readCommit(version: number): Promise<DeltaAction[] | null> {
    const key = this.key(commitKey(version));
    const bytes = await this.storage.read(key);
    return bytes === null ? null : parseCommit(bytes, key);
  }

  /** The table at `version` (time travel): from the newest checkpoint at or before it, plus commits. */
  async at(version: number): Promise<TableSnapshot> {
    const latest = await this.require();
    if (version === latest.version) return latest;
    if (!Number.isInteger(version) || version < 0 || version > latest.version) {
      throw new ShopError(
        'SHOP_LAKE_VERSION_NOT_FOUND',
        `${this.root} has versions 0..${latest.version}; asked for ${version}`,
        { details: { root: this.root, version, latest: latest.version } },
      );
    }
    const checkpoint = await this.checkpointAtOrBefore(version);
    const base = checkpoint === null ? await this.loadVersionZero() : await this.loadCheckpoint(checkpoint);
    if (base === undefined) throw this.truncated(version, await this.earliestVersion());
    const snap = await this.replay(base, version);
    if (snap.version !== version)
      throw new ShopError(
        'SHOP_LAKE_VERSION_NOT_FOUND',
        `${this.root}: the commit of version ${snap.version + 1} is gone`,
      );
    return snap;
  }

  private async checkpointAtOrBefore(version: number): Promise<number | null> {
    return (await this.checkpointVersions()).findLast((v) => v <= version) ?? null;
  }

  /** The commit timestamp of a version (reads its commit file when not seen yet). */
  async timestampOf(version: number): Promise<number> {
    const known = this.timestamps.get(version);
    if (known !== undefined && known !== 0) return known;
    const actions = await this.readCommit(version);
    if (actions === null)
      throw new ShopError('SHOP_LAKE_VERSION_NOT_FOUND', `${this.root}: no commit ${version}`);
    return this.recordTimestamp(version, actions);
  }

  /**
   * The latest version committed at or before `timeMs` (commit timestamps only increase: see
   * `commit`), by binary search over the commit files. SHOP_LAKE_VERSION_NOT_FOUND before version 0
   * or before the oldest version a truncated log keeps.
   */
  async versionAsOf(timeMs: number): Promise<number> {
    const latest = await this.require();
    const earliest = await this.earliestVersion();
    if ((await this.timestampOf(earliest)) > timeMs) {
      if (earliest > 0) throw this.truncated(earliest - 1, earliest);
      throw new ShopError(
        'SHOP_LAKE_VERSION_NOT_FOUND',
        `${this.root} did not exist at ${new Date(timeMs).toISOString()}`,
        {
          details: { root: this.root, timeMs },
        },
      );
    }
    let lo = earliest;
    let hi = latest.version;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((await this.timestampOf(mid)) <= timeMs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The newest `limit` commits, newest first. */
  async history(limit = 50): Promise<CommitSummary[]> {
    const latest = await this.require();
    const out: CommitSummary[] = [];
    for (let v = latest.version; v >= 0 && out.length < limit; v--) {
      const actions = await this.readCommit(v);
      if (actions === null) break;
      const info = commitInfoOf(actions);
      let addedFiles = 0;
      let removedFiles = 0;
      let addedRows = 0;
      for (const a of actions) {
        if ('add' in a) {
          addedFiles += 1;
          addedRows += statsRows(a.add);
        } else if ('remove' in a) removedFiles += 1;
      }
      out.push({
        version: v,
        timestampMs: info?.timestamp ?? 0,
        operation: info?.operation ?? 'UNKNOWN',
        parameters: info?.operationParameters ?? {},
        addedFiles,
        removedFiles,
        addedRows,
      });
    }
    return out;
  }

  /** Creates the table (version 0: protocol + metaData + `actions`) unless it exists. */
  async create(
    metaData: MetaDataAction,
    protocol: ProtocolAction,
    actions: readonly DeltaAction[] = [],
  ): Promise<boolean> {
    if ((await this.latest()) !== undefined) return false;
    const commit = [
      { commitInfo: this.commitInfo(0, 'CREATE TABLE', {}, -1, false) },
      { protocol },
      { metaData },
      ...actions,
    ];
    const created = await this.storage.putIfAbsent(this.key(commitKey(0)), serialize(commit));
    // Lost the race to another creator: read its version 0.
    if (created) this.advance(undefined, 0, commit);
    else await this.latest();
    return created;
  }

  /**
   * Commits the actions as the next version and returns it. On a lost race (the version exists)
   * the winners are read; the commit conflicts (SHOP_LAKE_COMMIT_CONFLICT) when one of them
   * committed a txn with one of our appIds, removed a file we remove, or changed the metadata
   * while we do; otherwise it retries at the next version (blind appends never conflict).
   */
  async commit(request: CommitRequest): Promise<number> {
    let snap = await this.require();
    this.checkTxns(snap, request);
    const removes = new Set<string>();
    const ourTxns = new Set<string>();
    let changesMetadata = false;
    for (const a of request.actions) {
      if ('remove' in a) removes.add(a.remove.path);
      else if ('txn' in a) ourTxns.add(a.txn.appId);
      else if ('metaData' in a || 'protocol' in a) changesMetadata = true;
    }
    for (const path of removes) {
      if (!snap.files.has(path))
        throw this.conflict(`the file ${path} to remove is not in version ${snap.version}`);
    }
    const blind = removes.size === 0 && !changesMetadata;
    const readVersion = request.readVersion ?? snap.version;
    for (let attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
      const version = snap.version + 1;
      const info = this.commitInfo(version, request.operation, request.parameters ?? {}, readVersion, blind);
      const bytes = serialize([{ commitInfo: info }, ...request.actions]);
      if (await this.storage.putIfAbsent(this.key(commitKey(version)), bytes)) {
        await this.maybeCheckpoint(this.advance(snap, version, [{ commitInfo: info }, ...request.actions]));
        return version;
      }
      // Lost the race: check what the winners did, then retry after them.
      const before = snap;
      snap = await this.require();
      for (let v = before.version + 1; v <= snap.version; v++) {
        const winner = (await this.readCommit(v)) ?? [];
        for (const a of winner) {
          if ('txn' in a && ourTxns.has(a.txn.appId))
            throw this.conflict(`version ${v} committed the transaction ${a.txn.appId} concurrently`);
          if ('remove' in a && removes.has(a.remove.path))
            throw this.conflict(`version ${v} removed ${a.remove.path} concurrently`);
          if (('metaData' in a || 'protocol' in a) && changesMetadata)
            throw this.conflict(`version ${v} changed the table metadata concurrently`);
        }
      }
    }
    throw this.conflict(`no free version after ${MAX_COMMIT_ATTEMPTS} attempts`);
  }

  /**
   * Our commit of `version` on top of `base` (the snapshot at version - 1) is the new latest
   * snapshot: built from the actions we wrote instead of reading them back.
   */
  private advance(
    base: TableSnapshot | undefined,
    version: number,
    actions: readonly DeltaAction[],
  ): TableSnapshot {
    const key = this.key(commitKey(version));
    const builder = new StateBuilder(base);
    builder.apply(actions, key);
    const snap = builder.freeze(version, this.recordTimestamp(version, actions), key);
    this.keepLatest(snap);
    return snap;
  }

  /** A snapshot replaces the kept latest one only when newer (a slow refresh may finish after a commit). */
  private keepLatest(snap: TableSnapshot): TableSnapshot {
    const kept = this.latestSnapshot;
    if (kept === undefined || kept.version < snap.version) this.latestSnapshot = snap;
    return this.latestSnapshot!;
  }

  private checkTxns(snap: TableSnapshot, request: CommitRequest): void {
    for (const [appId, expected] of request.expectedTxns ?? []) {
      const actual = snap.txnVersion(appId);
      if (actual !== expected) {
        throw this.conflict(
          `the transaction ${appId} is at ${actual ?? 'none'} in version ${snap.version}, the work was based on ${expected ?? 'none'}`,
        );
      }
    }
  }

  private conflict(message: string): ShopError {
    return new ShopError('SHOP_LAKE_COMMIT_CONFLICT', `${this.root}: ${message}`, {
      details: { root: this.root },
    });
  }

  private commitInfo(
    version: number,
    operation: string,
    parameters: Readonly<Record<string, string>>,
    readVersion: number,
    isBlindAppend: boolean,
  ): CommitInfoAction {
    // Timestamps only increase along the log (as-of-time search relies on it), even if the
    // clock steps back.
    const previous = version > 0 ? (this.timestamps.get(version - 1) ?? 0) : 0;
    return {
      timestamp: Math.max(this.nowMs(), previous + 1),
      operation,
      operationParameters: parameters,
      ...(readVersion >= 0 ? { readVersion } : {}),
      isBlindAppend,
      engineInfo: this.options.engineInfo ?? 'shopstream',
    };
  }

  /** Writes a checkpoint every `checkpointInterval` versions and points `_last_checkpoint` at it. */
  private async maybeCheckpoint(snap: TableSnapshot): Promise<void> {
    const io = this.options.checkpoints;
    if (io === undefined || this.checkpointInterval <= 0 || snap.version % this.checkpointInterval !== 0)
      return;
    const pruned = this.withoutExpiredTombstones(snap);
    await this.writeCheckpoint(pruned, io);
    // The same version without the expired tombstones replaces the kept one.
    if (pruned !== snap && this.latestSnapshot === snap) this.latestSnapshot = pruned;
  }

  /** `snap` without the tombstones older than tombstoneRetentionMs (itself when there are none). */
  private withoutExpiredTombstones(snap: TableSnapshot): TableSnapshot {
    const cutoffMs = this.nowMs() - this.tombstoneRetentionMs;
    const kept = new Map<string, RemoveAction>();
    for (const [path, r] of snap.tombstones) if (r.deletionTimestamp >= cutoffMs) kept.set(path, r);
    if (kept.size === snap.tombstones.size) return snap;
    return new TableSnapshot(
      snap.version,
      snap.protocol,
      snap.metaData,
      snap.files,
      kept,
      snap.txns,
      snap.timestampMs,
    );
  }

  private async writeCheckpoint(snap: TableSnapshot, io: CheckpointIo): Promise<void> {
    const size = await io.write(this.storage, this.key(checkpointKey(snap.version)), snap);
    const pointer: LastCheckpoint = { version: snap.version, size };
    await this.storage.write(this.key(LAST_CHECKPOINT_KEY), encoder.encode(JSON.stringify(pointer)));
  }
}

/** numRecords of an add's stats (0 when it has none). */
export function statsRows(add: AddAction): number {
  if (add.stats === undefined || add.stats === null) return 0;
  try {
    return Number((JSON.parse(add.stats) as { numRecords?: unknown }).numRecords ?? 0);
  } catch {
    return 0;
  }
}
