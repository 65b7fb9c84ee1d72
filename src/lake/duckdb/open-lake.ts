import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type {
  BronzeRow,
  FileKey,
  LakeCompression,
  LakeFile,
  LakeTableName,
  LakeWriter,
  QuarantineRow,
  RemoveUncommittedOptions,
  SilverRow,
} from '../lake-table.js';
import { LAKE_TABLES } from '../lake-table.js';
import { LakeFileIndex } from '../lake-file-index.js';
import type { DeltaAction } from '../delta/delta-actions.js';
import { DeltaTable } from '../delta/delta-table.js';
import { LocalLakeStorage } from '../storage/local-storage.js';
import type { LakeStorage } from '../storage/lake-storage.js';
import { addActionOf, ensureLakeTable, lakeAppId, rollbackActions, type TableOpening } from './lake-delta.js';
import { duckdbCheckpoints } from './duckdb-checkpoints.js';
import { removeAbandonedTempFiles } from './remove-uncommitted.js';
import { blockStageFormat, cellStageFormat } from './stage-formats.js';
import { TableFileWriter, type TableFileWriterOptions, type WrittenFile } from './table-file-writer.js';

export interface OpenLakeOptions {
  /**
   * The lake folder (created on first write). With a remote `storage` it is the local staging
   * folder of new data files and the read cache of the tables' (immutable) data files.
   */
  readonly dir: string;
  /** Where the tables live (default: the folder `dir`); e.g. an S3 bucket (`S3LakeStorage`). */
  readonly storage?: LakeStorage;
  readonly compression?: LakeCompression;
  readonly rowGroupRows?: number;
  /** fsync files and folders before/after the rename (default true). */
  readonly fsync?: boolean;
  /** Refuse writes (queries only); `shopstream lake sql` opens the lake this way. */
  readonly readOnly?: boolean;
  /** DuckDB worker threads (default: DuckDB's, one per core). */
  readonly threads?: number;
  /** DuckDB memory limit of this lake's instance (default: DuckDB's, 80 % of RAM). */
  readonly memoryLimitMb?: number;
  /** Where DuckDB spills what exceeds the memory limit, created if missing (default: DuckDB's `.tmp` in the cwd). */
  readonly tempDirectory?: string;
  /** `queryLake` interrupts a query running longer (SHOP_LAKE_QUERY_TIMEOUT); 0 = never. */
  readonly queryTimeoutMs?: number;
  /** A Delta checkpoint every this many commits of a table (default 10). */
  readonly checkpointInterval?: number;
  /**
   * Checkpoints drop `remove` tombstones older than this (default 168 h, Delta's 7 days); the
   * configuration passes lake.vacuumRetainHours, which it must not be below.
   */
  readonly tombstoneRetentionHours?: number;
  /** DuckDB memory limit of the maintenance instance (compaction; default 256). */
  readonly maintenanceMemoryLimitMb?: number;
}

/** One memory tag of a DuckDB instance (`Lake.memoryUsage`). */
export interface DuckDBMemoryTag {
  readonly tag: string;
  /** Held in memory. */
  readonly bytes: number;
  /** Spilled to the temp directory. */
  readonly temporaryBytes: number;
}

/** One run of rows of a log partition, for `Lake.append`. */
export interface LakeRun<Row> {
  readonly rows: readonly Row[];
  readonly key: FileKey;
}

export interface AppendOptions {
  /**
   * Idempotent per log partition (the processor's flushes): rows at or below the table's txn
   * version of the partition (`lakeAppId`) are already in the table and are skipped; the commit
   * records the run's last offset as the new txn version and fails with
   * SHOP_LAKE_COMMIT_CONFLICT if another writer committed the partition meanwhile.
   */
  readonly idempotent?: boolean;
  readonly operation?: string;
}

type RowOf<T extends LakeTableName> = T extends 'bronze'
  ? BronzeRow
  : T extends 'silver'
    ? SilverRow
    : QuarantineRow;

const formatsOf = <T extends LakeTableName>(table: T) => ({
  fast: blockStageFormat(table),
  exact: cellStageFormat(table),
});

/**
 * A lake folder with one in-memory DuckDB instance. Each table writes through its own connection
 * (a silver write may run while bronze is encoded); queries use another one.
 */
export class Lake implements LakeWriter {
  readonly dir: string;
  readonly readOnly: boolean;
  /** The readable files of each table (see `LakeFileIndex`); every reader lists through it. */
  readonly files: LakeFileIndex;
  readonly queryTimeoutMs: number;
  /** The Delta log of each table. */
  readonly tables: Readonly<Record<LakeTableName, DeltaTable>>;
  readonly storage: LakeStorage;
  private readonly fsync: boolean;
  private readonly maintenanceMemoryLimitMb: number;
  /** Downloads of remote data files into the cache in flight, by key (one per file). */
  private readonly downloads = new Map<string, Promise<string>>();
  private closed = false;

  private constructor(
    options: OpenLakeOptions,
    private readonly instance: DuckDBInstance,
    /** The connection of `queryLake` and the read helpers; the lake views live on it. */
    readonly queryConnection: DuckDBConnection,
    private readonly writers: {
      bronze: TableFileWriter<BronzeRow>;
      silver: TableFileWriter<SilverRow>;
      quarantine: TableFileWriter<QuarantineRow>;
    } | null,
    storage: LakeStorage,
    tables: Readonly<Record<LakeTableName, DeltaTable>>,
    /** What opening did to each table: found its log, created it, converted a pre-Delta folder. */
    readonly opened: Readonly<Record<LakeTableName, TableOpening>>,
  ) {
    this.dir = resolve(options.dir);
    this.readOnly = writers === null;
    this.storage = storage;
    this.tables = tables;
    this.files = new LakeFileIndex(tables, (table, add) => this.localFile(tables[table].dataKey(add.path)));
    this.queryTimeoutMs = options.queryTimeoutMs ?? 0;
    this.fsync = options.fsync ?? true;
    this.maintenanceMemoryLimitMb = options.maintenanceMemoryLimitMb ?? 256;
  }

  static async open(options: OpenLakeOptions): Promise<Lake> {
    // DuckDB keeps what it read from files in an "external file cache" inside its buffer pool, up
    // to the memory limit: in a long-lived writer or reader that is memory growing with every lake
    // file ever read (measured: ~4 MiB a minute at 10k events/s). Lake files are local files (the
    // OS page cache serves re-reads) or local copies of S3 objects, so the cache is off.
    const config: Record<string, string> = { enable_external_file_cache: 'false' };
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimitMb !== undefined) config['memory_limit'] = `${options.memoryLimitMb}MB`;
    if (options.tempDirectory !== undefined) {
      await mkdir(options.tempDirectory, { recursive: true });
      config['temp_directory'] = options.tempDirectory;
    }
    const instance = await DuckDBInstance.create(':memory:', config);
    const queryConnection = await instance.connect();
    const writerOptions: TableFileWriterOptions = {
      dir: resolve(options.dir),
      compression: options.compression ?? 'zstd',
      rowGroupRows: options.rowGroupRows ?? 122_880,
      fsync: options.fsync ?? true,
    };
    const writers = options.readOnly
      ? null
      : {
          bronze: new TableFileWriter('bronze', await instance.connect(), formatsOf('bronze'), writerOptions),
          silver: new TableFileWriter('silver', await instance.connect(), formatsOf('silver'), writerOptions),
          quarantine: new TableFileWriter(
            'quarantine',
            await instance.connect(),
            formatsOf('quarantine'),
            writerOptions,
          ),
        };
    const storage =
      options.storage ?? new LocalLakeStorage(resolve(options.dir), { fsync: writerOptions.fsync });
    const local = storage.localPath('bronze') !== null;
    const checkpoints = duckdbCheckpoints(() => instance.connect());
    const tables = {} as Record<LakeTableName, DeltaTable>;
    for (const table of LAKE_TABLES) {
      tables[table] = new DeltaTable(storage, table, {
        checkpoints,
        checkpointInterval: options.checkpointInterval ?? 10,
        ...(options.tombstoneRetentionHours === undefined
          ? {}
          : { tombstoneRetentionMs: options.tombstoneRetentionHours * 3_600_000 }),
        engineInfo: 'shopstream',
      });
    }
    const opened = {} as Record<LakeTableName, TableOpening>;
    try {
      for (const table of LAKE_TABLES) {
        opened[table] = await ensureLakeTable(tables[table], table, local ? writerOptions.dir : null, {
          create: writers !== null,
          connect: () => instance.connect(),
        });
      }
    } catch (err) {
      queryConnection.closeSync();
      instance.closeSync();
      throw err;
    }
    return new Lake(options, instance, queryConnection, writers, storage, tables, opened);
  }

  writeBronze(rows: readonly BronzeRow[], key: FileKey): Promise<readonly LakeFile[]> {
    this.writable(); // refuses synchronously on a read-only lake
    return this.append('bronze', [{ rows, key }]);
  }

  writeSilver(rows: readonly SilverRow[], key: FileKey): Promise<readonly LakeFile[]> {
    this.writable();
    return this.append('silver', [{ rows, key }]);
  }

  writeQuarantine(rows: readonly QuarantineRow[], key: FileKey): Promise<readonly LakeFile[]> {
    this.writable();
    return this.append('quarantine', [{ rows, key }]);
  }

  /**
   * Writes runs of rows of one table as data files (one per run and hive hour) and commits them
   * in ONE Delta version (readers see all of them or none). See `AppendOptions.idempotent`.
   * Returns the files committed (none when every row was already there).
   */
  async append<T extends LakeTableName>(
    table: T,
    runs: readonly LakeRun<RowOf<T>>[],
    options: AppendOptions = {},
  ): Promise<readonly LakeFile[]> {
    const writer = this.writable()[table] as unknown as TableFileWriter<RowOf<T>>;
    const delta = this.tables[table];
    const snap = await delta.require();
    const expectedTxns = new Map<string, number | null>();
    const txns: DeltaAction[] = [];
    const written: WrittenFile[] = [];
    const nowMs = Date.now();
    for (const run of runs) {
      let { rows, key } = run;
      if (options.idempotent === true) {
        const appId = lakeAppId(key.topic, key.partition);
        const done = snap.txnVersion(appId);
        expectedTxns.set(appId, done);
        if (done !== null && done >= key.fromOffset) {
          rows = rows.filter((r) => r.offset > done);
          key = { ...key, fromOffset: done + 1 };
        }
        if (key.fromOffset > key.toOffset) continue;
        txns.push({ txn: { appId, version: key.toOffset, lastUpdated: nowMs } });
      }
      if (rows.length > 0) written.push(...(await writer.write(rows, key)));
    }
    if (written.length === 0 && txns.length === 0) return [];
    const adds = written.map((f) => ({ add: addActionOf(table, f, nowMs) }));
    await Promise.all(
      adds.map(({ add }, i) => this.publishDataFile(table, add.path, join(this.dir, written[i]!.path))),
    );
    await delta.commit({
      actions: [...adds, ...txns],
      operation: options.operation ?? 'WRITE',
      parameters: { mode: 'Append' },
      expectedTxns,
      readVersion: snap.version,
    });
    return written.map(({ table: t, path, rows }) => ({ table: t, path, rows }));
  }

  /**
   * Rolls a log partition back to `committedNextOffset` in the tables: one Delta commit per table
   * removes the partition's files starting at or after it (`dataChange`), and moves the
   * partition's txn version back to `committedNextOffset - 1`. Replay uses it to rewrite Silver
   * and quarantine from Bronze. The removed files stay on disk until `lake vacuum`; the
   * temporary files a killed writer of the partition left are deleted at once.
   * Returns the removed paths, relative to the lake folder.
   */
  async removeUncommitted(options: RemoveUncommittedOptions): Promise<readonly string[]> {
    this.writable();
    try {
      const removed: string[] = [];
      const tables = options.tables ?? LAKE_TABLES;
      await removeAbandonedTempFiles(this.dir, options.partition, tables, this.fsync);
      for (const table of tables) {
        const delta = this.tables[table];
        const snap = await delta.require();
        const { actions, paths } = rollbackActions(table, snap, options, Date.now());
        if (actions.length === 0) continue;
        await delta.commit({
          actions,
          operation: 'DELETE',
          parameters: {
            predicate: `partition = ${options.partition} AND offset >= ${options.committedNextOffset}`,
          },
        });
        removed.push(...paths.map((p) => `${table}/${p}`));
      }
      return removed;
    } catch (err) {
      throw new ShopError(
        'SHOP_LAKE_WRITE_FAILED',
        `removing uncommitted files of partition ${options.partition}: ${(err as Error).message}`,
        {
          cause: err,
          details: { ...options },
        },
      );
    }
  }

  /**
   * Makes a data file written at `localPath` (in the lake folder) readable at the table path
   * `path` of the storage, before a commit references it: nothing to do on a local folder (the
   * file is already there); on object storage an upload (multipart when large). The local copy
   * stays as the read cache.
   */
  async publishDataFile(table: LakeTableName, path: string, localPath: string): Promise<void> {
    const key = this.tables[table].dataKey(path);
    if (this.storage.localPath(key) === null) await this.storage.writeFile(key, localPath);
  }

  /**
   * The local path of a data file: in place on a local folder; else its copy in the read cache
   * (`<dir>/<key>`), downloaded once (data files are immutable: a cached copy never goes stale).
   */
  private localFile(key: string): Promise<string> {
    const inPlace = this.storage.localPath(key);
    if (inPlace !== null) return Promise.resolve(inPlace);
    let download = this.downloads.get(key);
    if (download === undefined) {
      download = this.download(key).finally(() => this.downloads.delete(key));
      this.downloads.set(key, download);
    }
    return download;
  }

  private async download(key: string): Promise<string> {
    const path = join(this.dir, ...key.split('/'));
    if (await fileExists(path)) return path;
    const bytes = await this.storage.read(key);
    if (bytes === null)
      throw new ShopError(
        'SHOP_LAKE_QUERY_FAILED',
        `the data file ${key} is missing in ${this.storage.url}`,
        {
          details: { key, storage: this.storage.url },
        },
      );
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp-${process.pid}-cache`;
    await writeFile(temp, bytes);
    await rename(temp, path);
    return path;
  }

  /**
   * A new connection of the lake's instance, for a streamed read that must not share
   * `queryConnection` (any other query there would end a pending result). The caller closes it.
   */
  openReadConnection(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /**
   * What this lake's DuckDB instance holds, by DuckDB's memory tag (`duckdb_memory()`): the
   * buffer-managed memory (tables, hash tables, sort runs, caches) and what it spilled to disk.
   * Read on a connection of its own, closed afterwards, so a pending streamed result elsewhere is
   * not disturbed. Memory DuckDB allocates outside its buffer manager is not in it.
   */
  async memoryUsage(): Promise<readonly DuckDBMemoryTag[]> {
    const connection = await this.instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        'SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory()',
      );
      return reader.getRows().map(([tag, bytes, temporaryBytes]) => ({
        tag: String(tag),
        bytes: Number(bytes),
        temporaryBytes: Number(temporaryBytes),
      }));
    } finally {
      connection.closeSync();
    }
  }

  /**
   * Runs `fn` on a DuckDB instance of its own for maintenance (compaction), closed afterwards: one
   * thread and its own memory limit, so that a merge neither competes with the table writers'
   * buffer pool nor holds two row groups in flight (DuckDB's `threads` is per instance). Measured
   * on a 60-minute backfill (16 merges of 137 files, 2.1M rows): peak RSS of `lake compact` 950-1250
   * MB on the writers' instance, 460-600 MB this way with 32k-row groups.
   */
  async withMaintenanceConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.writable();
    const instance = await DuckDBInstance.create(':memory:', {
      threads: '1',
      memory_limit: `${this.maintenanceMemoryLimitMb}MB`,
    });
    try {
      const connection = await instance.connect();
      try {
        return await fn(connection);
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writers !== null) {
      await Promise.all([
        this.writers.bronze.close(),
        this.writers.silver.close(),
        this.writers.quarantine.close(),
      ]);
    }
    this.queryConnection.closeSync();
    this.instance.closeSync();
    await this.storage.close();
  }

  private writable(): NonNullable<Lake['writers']> {
    if (this.writers === null)
      throw new ShopError('SHOP_LAKE_READ_ONLY', `the lake ${this.dir} was opened read-only`);
    return this.writers;
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens (does not create) a lake folder; see `Lake`. */
export function openLake(options: OpenLakeOptions): Promise<Lake> {
  return Lake.open(options);
}
