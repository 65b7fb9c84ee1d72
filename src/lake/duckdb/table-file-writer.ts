import type { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { FileStats } from '../delta/delta-actions.js';
import type { FileKey, LakeCompression, LakeFile, LakeTableName } from '../lake-table.js';
import { hiveDirs, lakeFileName } from '../lake-file-names.js';
import { publishWithStats } from './parquet-stats.js';
import { HIVE_COLUMNS, quoteLiteral } from '../table-columns.js';
import { makeDirDurable, removeQuietly } from './durable-files.js';
import { PackCollision } from './packed-rows.js';
import type { HourSource, StageFormat } from './stage-formats.js';

export interface TableFileWriterOptions {
  readonly dir: string;
  readonly compression: LakeCompression;
  readonly rowGroupRows: number;
  readonly fsync: boolean;
}

let tempSequence = 0;

/** A data file written and published, not yet committed to the table's Delta log. */
export interface WrittenFile extends LakeFile {
  /** Path relative to the table folder (the Delta `add.path`). */
  readonly tablePath: string;
  /** Hour since the epoch of its hive folder. */
  readonly hour: number;
  readonly bytes: number;
  readonly stats: FileStats;
}

/**
 * Writes the files of one table through its own DuckDB connection:
 * 1. rows are prepared per hive hour (block format: packed blocks bound as a parameter; cell
 *    format, when a value collides with the packing marks: a staging table, see `packed-rows.ts`);
 * 2. per hive hour touched: COPY the rows of that hour to `<final name>.tmp-<pid>-<n>` and check
 *    that it wrote exactly the rows prepared;
 * 3. fsync the temporary file, rename it to the final name, fsync the folder.
 * Calls are serialized; a failed call leaves no temporary file and no partial final file.
 */
export class TableFileWriter<Row> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly table: LakeTableName,
    private readonly connection: DuckDBConnection,
    private readonly formats: { readonly fast: StageFormat<Row>; readonly exact: StageFormat<Row> },
    private readonly options: TableFileWriterOptions,
  ) {}

  /** Waits for the queued writes, then releases the connection. */
  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
  }

  write(rows: readonly Row[], key: FileKey): Promise<readonly WrittenFile[]> {
    const run = this.queue.then(() => this.writeNow(rows, key));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(rows: readonly Row[], key: FileKey): Promise<readonly WrittenFile[]> {
    if (rows.length === 0) return [];
    try {
      try {
        return await this.writeWith(this.formats.fast, rows, key);
      } catch {
        // A collision with the packing marks (PackCollision, PACK_MISMATCH_TOKEN, or a cast
        // error of a value shifted by one): the exact format stores any value; a real failure
        // (disk, permissions) fails there again and is reported.
        return await this.writeWith(this.formats.exact, rows, key);
      }
    } catch (err) {
      if (err instanceof ShopError) throw err;
      throw new ShopError(
        'SHOP_LAKE_WRITE_FAILED',
        `${this.table} batch p${key.partition} ${key.fromOffset}-${key.toOffset}: ${(err as Error).message}`,
        {
          cause: err,
          details: { table: this.table, ...key },
        },
      );
    }
  }

  private async writeWith(
    format: StageFormat<Row>,
    rows: readonly Row[],
    key: FileKey,
  ): Promise<WrittenFile[]> {
    const sources = await format.prepare(this.connection, rows);
    const files: WrittenFile[] = [];
    for (const [hour, source] of sources) files.push(await this.writeHour(source, hour, key));
    return files;
  }

  /** Steps 2 and 3 for one hive hour. */
  private async writeHour(source: HourSource, hour: number, key: FileKey): Promise<WrittenFile> {
    const hiveDir = hiveDirs(hour, HIVE_COLUMNS[this.table]);
    const tablePath = `${hiveDir}/${lakeFileName(key)}`;
    const relDir = `${this.table}/${hiveDir}`;
    const path = `${this.table}/${tablePath}`;
    const finalPath = join(this.options.dir, path);
    const tempPath = `${finalPath}.tmp-${process.pid}-${++tempSequence}`;
    await makeDirDurable(join(this.options.dir, relDir), this.options.dir, this.options.fsync);
    const { compression, rowGroupRows } = this.options;
    try {
      const copied = await this.connection.run(
        `COPY (${source.selectSql}) TO ${quoteLiteral(tempPath)} (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupRows})`,
        source.params,
      );
      // A packed value holding the row separator would split its row in two: never publish that.
      if (copied.rowsChanged !== source.rows) throw new PackCollision();
      const { stats, bytes } = await publishWithStats(this.connection, tempPath, finalPath, {
        table: this.table,
        rows: source.rows,
        fsync: this.options.fsync,
      });
      return { table: this.table, path, tablePath, rows: source.rows, hour, bytes, stats };
    } catch (err) {
      await removeQuietly(tempPath);
      throw err;
    }
  }
}
