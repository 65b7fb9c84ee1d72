import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import { RAW_TOPIC, type EventLog, type TopicInfo } from '../../log/event-log.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog, retentionOf } from '../open-event-log.js';

interface CreateFlags {
  readonly partitions?: string;
  readonly replicationFactor?: string;
}

/** `topics create|describe`: operator commands over the configured log (Kafka or embedded). */
export function registerTopicsCommand(program: Command, ctx: CliContext): void {
  const topics = program
    .command('topics')
    .description('Create and describe topics of the event log (Kafka or embedded)');
  topics
    .command('create')
    .description(
      `Create a topic when missing (default ${RAW_TOPIC}) with log.partitions, log.replicationFactor and log.retention*`,
    )
    .argument('[name]', 'topic name', RAW_TOPIC)
    .option('--partitions <n>', 'partitions (default log.partitions)')
    .option('--replication-factor <n>', 'replication factor, Kafka only (default log.replicationFactor)')
    .action(async (name: string, flags: CreateFlags) => {
      const config = ctx.config();
      const partitions = positiveInt('--partitions', flags.partitions, config.log.partitions);
      const replicationFactor = positiveInt(
        '--replication-factor',
        flags.replicationFactor,
        config.log.replicationFactor,
      );
      await withLog(ctx, 'write', async (log) => {
        const existed = (await log.describeTopic(name)) !== undefined;
        await log.ensureTopic({ name, partitions, replicationFactor, ...retentionOf(config) });
        ctx.stdout.write(
          existed
            ? `topic ${name} already exists (left as it is)\n`
            : `created topic ${name}: ${partitions} partitions, replication ${replicationFactor}\n`,
        );
      });
    });
  topics
    .command('describe')
    .description('Partitions, offsets and the processor consumer-group lag of a topic (default: every topic)')
    .argument('[name]', 'topic name')
    .option('--json', 'print JSON instead of text')
    .action(async (name: string | undefined, flags: { json?: boolean }) => {
      const group = ctx.config().processor.consumerGroup;
      await withLog(ctx, 'read', async (log) => {
        const names = name === undefined ? await log.listTopics() : [name];
        const described = [];
        for (const topic of names) {
          const info = await log.describeTopic(topic);
          if (info === undefined)
            throw new ShopError('SHOP_LOG_TOPIC_NOT_FOUND', `topic ${topic} does not exist`, {
              details: { topic },
            });
          described.push(withLag(info, await log.groupOffsets(group, topic)));
        }
        ctx.stdout.write(
          flags.json
            ? JSON.stringify({ kind: log.kind, group, topics: described }) + '\n'
            : renderTopics(described, group),
        );
      });
    });
}

interface DescribedPartition {
  readonly partition: number;
  readonly firstOffset: number;
  readonly nextOffset: number;
  /** Offset mirrored by the processors to the log's consumer group (informational). */
  readonly groupOffset: number | null;
  readonly lag: number | null;
}

function withLag(
  info: TopicInfo,
  groupOffsets: ReadonlyMap<number, number>,
): { topic: string; partitions: DescribedPartition[] } {
  return {
    topic: info.name,
    partitions: info.partitions.map((p) => {
      const committed = groupOffsets.get(p.partition);
      return {
        partition: p.partition,
        firstOffset: p.firstOffset,
        nextOffset: p.nextOffset,
        groupOffset: committed ?? null,
        lag: committed === undefined ? null : Math.max(0, p.nextOffset - committed),
      };
    }),
  };
}

function renderTopics(
  topics: ReadonlyArray<{ topic: string; partitions: DescribedPartition[] }>,
  group: string,
): string {
  if (topics.length === 0) return 'no topics\n';
  const rows = [['topic', 'partition', 'first', 'next', `group ${group}`, 'lag']];
  for (const t of topics) {
    for (const p of t.partitions) {
      rows.push([
        t.topic,
        String(p.partition),
        String(p.firstOffset),
        String(p.nextOffset),
        String(p.groupOffset ?? '-'),
        String(p.lag ?? '-'),
      ]);
    }
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

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${flag} must be a whole number >= 1, got ${value}`);
  return n;
}

async function withLog(
  ctx: CliContext,
  mode: 'read' | 'write',
  body: (log: EventLog) => Promise<void>,
): Promise<void> {
  const log = await openEventLog(ctx.config(), { mode });
  try {
    await body(log);
  } finally {
    await log.close();
  }
}
