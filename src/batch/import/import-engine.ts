import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { ShopError } from '../../errors/index.js';

export type EngineParam = string | number | boolean | null;
export type EngineRow = Record<string, unknown>;

/**
 * The import's own in-process DuckDB (it reads source files, not the lake): session time zone UTC,
 * values as JSON (`getRowObjectsJson`: BIGINT and DECIMAL as strings, lists as arrays).
 */
export class ImportEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<ImportEngine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    return new ImportEngine(instance, connection);
  }

  /** Runs SQL; a DuckDB failure is `wrap`'s error (default SHOP_IMPORT_SOURCE_UNREADABLE). */
  async query(sql: string, params: readonly EngineParam[] = []): Promise<EngineRow[]> {
    try {
      const reader = await this.connection.runAndReadAll(
        sql,
        params.length === 0 ? undefined : (params as DuckDBValue[]),
      );
      return reader.getRowObjectsJson() as EngineRow[];
    } catch (err) {
      throw new ShopError('SHOP_IMPORT_SOURCE_UNREADABLE', (err as Error).message, {
        cause: err,
        details: { sql },
      });
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
