import { join } from 'node:path';
import { ShopError } from '../../errors/index.js';
import { queryLake, type Lake } from '../../lake/index.js';
import { readParquetSql } from '../../lake/lake-views.js';
import type { EventLog, LogRecord, PartitionInfo, TopicInfo } from '../../log/event-log.js';

/**
 * A read-only event log over the Bronze table: the same records, offsets, keys and log times the
 * processor read the first time, so a replay re-derives Silver, quarantine and Gold from what was
 * kept, even after the log's retention deleted it. Writes are refused.
 */
export class BronzeEventLog implements EventLog {
  readonly kind = 'embedded' as const;

  constructor(
    private readonly lake: Lake,
    private readonly topic: string,
  ) {}

  private glob(partition?: number): string {
    return join(
      this.lake.dir,
      'bronze',
      '**',
      partition === undefined ? '*.parquet' : `p${Math.trunc(partition)}-*.parquet`,
    );
  }

  async ensureTopic(): Promise<void> {
    throw new ShopError('SHOP_LOG_READ_ONLY', 'the Bronze replay log is read-only');
  }

  async listTopics(): Promise<string[]> {
    return (await this.describeTopic(this.topic)) === undefined ? [] : [this.topic];
  }

  async describeTopic(topic: string): Promise<TopicInfo | undefined> {
    if (topic !== this.topic) return undefined;
    const files = await queryLake(this.lake, `SELECT count(*) AS n FROM glob($1)`, [this.glob()]);
    if (Number(files[0]?.['n'] ?? 0) === 0) return undefined;
    const rows = await queryLake(
      this.lake,
      `SELECT partition, min("offset") AS first, max("offset") + 1 AS next FROM ${readParquetSql(this.glob(), 'bronze')}
       WHERE topic = $1 GROUP BY partition ORDER BY partition`,
      [topic],
    );
    const partitions: PartitionInfo[] = rows.map((r) => ({
      partition: Number(r['partition']),
      firstOffset: Number(r['first']),
      nextOffset: Number(r['next']),
    }));
    return { name: topic, partitions };
  }

  async append(): Promise<never> {
    throw new ShopError('SHOP_LOG_READ_ONLY', 'the Bronze replay log is read-only');
  }

  async read(
    topic: string,
    partition: number,
    offset: number,
    options: { maxRecords: number },
  ): Promise<LogRecord[]> {
    const rows = await queryLake(
      this.lake,
      `SELECT "offset", log_key, epoch_ms(log_timestamp)::DOUBLE AS ts, raw_json, raw_bytes
       FROM ${readParquetSql(this.glob(partition), 'bronze')}
       WHERE topic = $1 AND "offset" >= $2 ORDER BY "offset" LIMIT $3`,
      [topic, offset, options.maxRecords],
    );
    return rows.map((r) => ({
      topic,
      partition,
      offset: Number(r['offset']),
      key: r['log_key'] === null ? null : Buffer.from(String(r['log_key'])),
      value:
        r['raw_json'] === null
          ? Buffer.from(String(r['raw_bytes']), 'base64')
          : Buffer.from(String(r['raw_json'])),
      timestampMs: Number(r['ts']),
    }));
  }

  async commitGroupOffsets(): Promise<void> {
    throw new ShopError('SHOP_LOG_READ_ONLY', 'the Bronze replay log is read-only');
  }

  async groupOffsets(): Promise<Map<number, number>> {
    return new Map();
  }

  async close(): Promise<void> {}
}
