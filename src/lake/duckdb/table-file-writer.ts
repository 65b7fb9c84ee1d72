import type { DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import type { FileKey, LakeCompression, LakeFile, LakeTableName } from '../lake-table.js';
import { hiveDirs, lakeFileName } from '../lake-file-names.js';
import { HIVE_COLUMNS, STAGE_HOUR_COLUMN, quoteLiteral, stageTableSql, storedSelectList } from '../table-columns.js';
import { makeDirDurable, publishFile, removeQuietly } from './durable-files.js';
import type { RowAppender } from './row-appenders.js';

export interface TableFileWriterOptions {
  readonly dir: string;
  readonly compression: LakeCompression;
  readonly rowGroupRows: number;
  readonly fsync: boolean;
}

let tempSequence = 0;

/**
 * Writes the files of one table through its own DuckDB connection and staging table:
 * 1. rows are appended to the staging table (one appender per batch);
 * 2. per hive hour touched: COPY the rows of that hour to `<final name>.tmp-<pid>-<n>`;
 * 3. fsync the temporary file, rename it to the final name, fsync the folder.
 * Calls are serialized; a failed call leaves no temporary file and no partial final file.
 */
export class TableFileWriter<Row> {
  private readonly stageName: string;
  private queue: Promise<unknown> = Promise.resolve();
  private ready = false;

  constructor(
    private readonly table: LakeTableName,
    private readonly connection: DuckDBConnection,
    private readonly appendRow: RowAppender<Row>,
    private readonly options: TableFileWriterOptions,
  ) {
    this.stageName = `stage_${table}`;
  }

  /** Waits for the queued writes, then releases the connection. */
  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
  }

  write(rows: readonly Row[], key: FileKey): Promise<readonly LakeFile[]> {
    const run = this.queue.then(() => this.writeNow(rows, key));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(rows: readonly Row[], key: FileKey): Promise<readonly LakeFile[]> {
    if (rows.length === 0) return [];
    try {
      const rowsByHour = await this.stage(rows);
      const files: LakeFile[] = [];
      const onlyHour = rowsByHour.size === 1;
      for (const [hour, count] of rowsByHour) files.push(await this.writeHour(hour, count, key, onlyHour));
      return files;
    } catch (err) {
      if (err instanceof ShopError) throw err;
      throw new ShopError('SHOP_LAKE_WRITE_FAILED', `${this.table} batch p${key.partition} ${key.fromOffset}-${key.toOffset}: ${(err as Error).message}`, {
        cause: err,
        details: { table: this.table, ...key },
      });
    }
  }

  /** Step 1: stage the rows; returns row counts per hive hour. */
  private async stage(rows: readonly Row[]): Promise<Map<number, number>> {
    if (!this.ready) {
      await this.connection.run(stageTableSql(this.table, this.stageName));
      this.ready = true;
    } else {
      await this.connection.run(`TRUNCATE ${this.stageName}`);
    }
    const rowsByHour = new Map<number, number>();
    const appender = await this.connection.createAppender(this.stageName);
    try {
      for (const row of rows) {
        const hour = this.appendRow(appender, row);
        rowsByHour.set(hour, (rowsByHour.get(hour) ?? 0) + 1);
      }
    } finally {
      appender.closeSync();
    }
    return rowsByHour;
  }

  /** Steps 2 and 3 for one hive hour. */
  private async writeHour(hour: number, rows: number, key: FileKey, onlyHour: boolean): Promise<LakeFile> {
    const relDir = `${this.table}/${hiveDirs(hour, HIVE_COLUMNS[this.table])}`;
    const path = `${relDir}/${lakeFileName(key)}`;
    const finalPath = join(this.options.dir, path);
    const tempPath = `${finalPath}.tmp-${process.pid}-${++tempSequence}`;
    await makeDirDurable(join(this.options.dir, relDir), this.options.dir, this.options.fsync);
    const where = onlyHour ? '' : ` WHERE ${STAGE_HOUR_COLUMN} = ${hour}`;
    const { compression, rowGroupRows } = this.options;
    try {
      await this.connection.run(
        `COPY (SELECT ${storedSelectList(this.table)} FROM ${this.stageName}${where}) TO ${quoteLiteral(tempPath)} ` +
          `(FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupRows})`,
      );
      await publishFile(tempPath, finalPath, this.options.fsync);
    } catch (err) {
      await removeQuietly(tempPath);
      throw err;
    }
    return { table: this.table, path, rows };
  }
}
