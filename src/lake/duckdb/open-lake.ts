import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { resolve } from 'node:path';
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
import { LakeFileIndex } from '../lake-file-index.js';
import { removeUncommittedFiles } from './remove-uncommitted.js';
import { blockStageFormat, cellStageFormat } from './stage-formats.js';
import { TableFileWriter, type TableFileWriterOptions } from './table-file-writer.js';

export interface OpenLakeOptions {
  /** The lake folder (created on first write). */
  readonly dir: string;
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
  /** `queryLake` interrupts a query running longer (SHOP_LAKE_QUERY_TIMEOUT); 0 = never. */
  readonly queryTimeoutMs?: number;
}

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
    private readonly fsync: boolean,
  ) {
    this.dir = resolve(options.dir);
    this.readOnly = writers === null;
    this.files = new LakeFileIndex(this.dir);
    this.queryTimeoutMs = options.queryTimeoutMs ?? 0;
  }

  static async open(options: OpenLakeOptions): Promise<Lake> {
    const config: Record<string, string> = {};
    if (options.threads !== undefined) config['threads'] = String(options.threads);
    if (options.memoryLimitMb !== undefined) config['memory_limit'] = `${options.memoryLimitMb}MB`;
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
    return new Lake(options, instance, queryConnection, writers, writerOptions.fsync);
  }

  writeBronze(rows: readonly BronzeRow[], key: FileKey): Promise<readonly LakeFile[]> {
    return this.writable().bronze.write(rows, key);
  }

  writeSilver(rows: readonly SilverRow[], key: FileKey): Promise<readonly LakeFile[]> {
    return this.writable().silver.write(rows, key);
  }

  writeQuarantine(rows: readonly QuarantineRow[], key: FileKey): Promise<readonly LakeFile[]> {
    return this.writable().quarantine.write(rows, key);
  }

  async removeUncommitted(options: RemoveUncommittedOptions): Promise<readonly string[]> {
    this.writable();
    try {
      const removed = await removeUncommittedFiles(this.dir, options, this.fsync);
      this.files.invalidate();
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

  /** A connection of its own for maintenance (compaction), beside the table writers'. */
  async connectForMaintenance(): Promise<DuckDBConnection> {
    this.writable();
    return this.instance.connect();
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
  }

  private writable(): NonNullable<Lake['writers']> {
    if (this.writers === null)
      throw new ShopError('SHOP_LAKE_READ_ONLY', `the lake ${this.dir} was opened read-only`);
    return this.writers;
  }
}

/** Opens (does not create) a lake folder; see `Lake`. */
export function openLake(options: OpenLakeOptions): Promise<Lake> {
  return Lake.open(options);
}
