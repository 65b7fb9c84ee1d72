import { ShopError } from '../../errors/index.js';
import { queryLake, tableSql, type Lake } from '../../lake/index.js';
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
    /** The Bronze Delta version every read lists its files at (default: the latest at each read). */
    readonly version?: number,
  ) {}

  /**
   * Readable Bronze files of a partition (all when undefined) that may hold offsets in
   * [fromOffset, fromOffset + records): a read scans those few files, not the whole partition.
   * (Bronze offsets are dense, and one flush's files of different hive hours share its range.)
   */
  private async files(partition?: number, fromOffset = 0, records = Infinity): Promise<string[]> {
    const all = await this.lake.files.list('bronze', {
      ...(partition === undefined ? {} : { partition }),
      ...(this.version === undefined ? {} : { version: this.version }),
    });
    const lastOffset = fromOffset + records - 1;
    return all.filter((f) => f.toOffset >= fromOffset && f.fromOffset <= lastOffset).map((f) => f.path);
  }

  async ensureTopic(): Promise<void> {
    throw new ShopError('SHOP_LOG_READ_ONLY', 'the Bronze replay log is read-only');
  }

  async listTopics(): Promise<string[]> {
    return (await this.describeTopic(this.topic)) === undefined ? [] : [this.topic];
  }

  async describeTopic(topic: string): Promise<TopicInfo | undefined> {
    if (topic !== this.topic) return undefined;
    if ((await this.files()).length === 0) return undefined;
    const rows = await queryLake(
      this.lake,
      async () =>
        `SELECT partition, min("offset") AS first, max("offset") + 1 AS next FROM (${tableSql(await this.files(), 'bronze')})
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
      async () =>
        `SELECT "offset", log_key, epoch_ms(log_timestamp)::DOUBLE AS ts, raw_json, raw_bytes
         FROM (${tableSql(await this.files(partition, offset, options.maxRecords), 'bronze')})
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
