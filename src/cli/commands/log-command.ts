import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import { RAW_TOPIC, type EventLog, type LogRecord } from '../../log/event-log.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog } from '../open-event-log.js';

interface PartitionStats {
  partition: number;
  firstOffset: number;
  lastOffset: number | null;
  nextOffset: number;
  records: number;
  bytes: number;
}

interface TopicStats {
  topic: string;
  partitions: PartitionStats[];
  records: number;
  bytes: number;
}

export function registerLogCommand(program: Command, ctx: CliContext): void {
  const log = program
    .command('log')
    .description('Inspect the event log (read-only: works beside a running writer)');
  log
    .command('stats')
    .description('Records, offsets and bytes per topic and partition')
    .option('--json', 'print JSON instead of a table')
    .action(async (opts: { json?: boolean }) => {
      const stats = await withLog(ctx, collectStats);
      ctx.stdout.write(opts.json ? JSON.stringify({ topics: stats }) + '\n' : renderStats(stats));
    });
  log
    .command('tail')
    .description('Print records as JSON lines {topic, partition, offset, timestamp, key, value}')
    .option('--topic <topic>', 'topic to read', RAW_TOPIC)
    .option('--limit <n>', 'records to print (the last N, or the first N with --from-beginning)', '10')
    .option('--from-beginning', 'start at the first retained record')
    .option('--follow', 'keep printing new records until interrupted')
    .action(async (opts: { topic: string; limit: string; fromBeginning?: boolean; follow?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 0)
        throw new ShopError(
          'SHOP_CLI_BAD_ARGUMENT',
          `--limit must be a whole number >= 0, got ${opts.limit}`,
        );
      await withLog(ctx, (l) =>
        tail(l, ctx, {
          topic: opts.topic,
          limit,
          fromBeginning: opts.fromBeginning === true,
          follow: opts.follow === true,
        }),
      );
    });
}

async function withLog<T>(ctx: CliContext, body: (log: EventLog) => Promise<T>): Promise<T> {
  const log = await openEventLog(ctx.config(), { mode: 'read' });
  try {
    return await body(log);
  } finally {
    await log.close();
  }
}

async function collectStats(log: EventLog): Promise<TopicStats[]> {
  const topics: TopicStats[] = [];
  for (const topic of await log.listTopics()) {
    const info = await log.describeTopic(topic);
    if (!info) continue;
    const partitions = info.partitions.map((p) => ({
      partition: p.partition,
      firstOffset: p.firstOffset,
      lastOffset: p.nextOffset > p.firstOffset ? p.nextOffset - 1 : null,
      nextOffset: p.nextOffset,
      records: p.nextOffset - p.firstOffset,
      bytes: p.bytes ?? 0,
    }));
    const sum = (pick: (p: PartitionStats) => number): number => partitions.reduce((s, p) => s + pick(p), 0);
    topics.push({ topic, partitions, records: sum((p) => p.records), bytes: sum((p) => p.bytes) });
  }
  return topics;
}

function renderStats(topics: readonly TopicStats[]): string {
  if (topics.length === 0) return 'no topics\n';
  const rows = [['topic', 'partition', 'first', 'last', 'records', 'bytes']];
  for (const t of topics) {
    for (const p of t.partitions)
      rows.push([
        t.topic,
        String(p.partition),
        String(p.firstOffset),
        String(p.lastOffset ?? '-'),
        String(p.records),
        String(p.bytes),
      ]);
    rows.push([t.topic, 'total', '', '', String(t.records), String(t.bytes)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) =>
        r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
      )
      .join('\n') + '\n'
  );
}

interface TailOptions {
  readonly topic: string;
  readonly limit: number;
  readonly fromBeginning: boolean;
  readonly follow: boolean;
}

/** Without --from-beginning: the last `limit` records by log time over all partitions. */
async function tail(log: EventLog, ctx: CliContext, opts: TailOptions): Promise<void> {
  const info = await log.describeTopic(opts.topic);
  if (!info) throw new ShopError('SHOP_LOG_TOPIC_NOT_FOUND', `topic ${opts.topic} does not exist`);
  const positions = info.partitions.map((p) =>
    opts.fromBeginning ? p.firstOffset : Math.max(p.firstOffset, p.nextOffset - opts.limit),
  );
  const initial: LogRecord[] = [];
  for (const [p, from] of positions.entries()) {
    const records = await readRange(
      log,
      opts.topic,
      p,
      from,
      info.partitions[p]!.nextOffset,
      opts.fromBeginning ? opts.limit : Infinity,
    );
    initial.push(...records);
    positions[p] = info.partitions[p]!.nextOffset;
    if (opts.fromBeginning && initial.length >= opts.limit) break;
  }
  const shown = opts.fromBeginning ? initial.slice(0, opts.limit) : lastByTime(initial, opts.limit);
  for (const r of shown) ctx.stdout.write(formatRecord(r));
  if (opts.follow) await follow(log, ctx, opts.topic, positions);
}

async function readRange(
  log: EventLog,
  topic: string,
  partition: number,
  from: number,
  to: number,
  max: number,
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (let offset = from; offset < to && out.length < max;) {
    const got = await log.read(topic, partition, offset, {
      maxRecords: Math.min(5000, to - offset, max - out.length),
    });
    if (got.length === 0) break;
    out.push(...got);
    offset = got[got.length - 1]!.offset + 1;
  }
  return out;
}

function lastByTime(records: LogRecord[], limit: number): LogRecord[] {
  const sorted = [...records].sort(
    (a, b) => a.timestampMs - b.timestampMs || a.partition - b.partition || a.offset - b.offset,
  );
  return limit === 0 ? [] : sorted.slice(-limit);
}

/** Polls every partition for new records until SIGINT/SIGTERM. */
async function follow(log: EventLog, ctx: CliContext, topic: string, positions: number[]): Promise<void> {
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      for (const [p, offset] of positions.entries()) {
        const got = await log.read(topic, p, offset, {
          maxRecords: 1000,
          maxWaitMs: Math.ceil(200 / positions.length),
        });
        for (const r of got) ctx.stdout.write(formatRecord(r));
        if (got.length > 0) positions[p] = got[got.length - 1]!.offset + 1;
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function formatRecord(r: LogRecord): string {
  const line = {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestampMs).toISOString(),
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value.toString('utf8'),
  };
  return JSON.stringify(line) + '\n';
}
