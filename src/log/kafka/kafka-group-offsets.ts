import type { Admin } from '@platformatic/kafka';

/**
 * Consumer-group offsets kept by the broker's group coordinator (`__consumer_offsets`), committed
 * outside any group generation, the way `kafka-consumer-groups --reset-offsets` does. Used for
 * lag monitoring: `kafka-consumer-groups --describe` and any Kafka tooling show them.
 */
export async function commitOffsets(
  admin: Admin,
  group: string,
  topic: string,
  offsets: ReadonlyMap<number, number>,
): Promise<void> {
  if (offsets.size === 0) return;
  await admin.alterConsumerGroupOffsets({
    groupId: group,
    topics: [
      {
        name: topic,
        partitionOffsets: [...offsets].map(([partition, offset]) => ({ partition, offset: BigInt(offset) })),
      },
    ],
  });
}

/** The committed next-offset per partition; partitions without a commit are absent. */
export async function fetchOffsets(
  admin: Admin,
  group: string,
  topic: string,
  partitions: number,
): Promise<Map<number, number>> {
  const partitionIndexes = Array.from({ length: partitions }, (_, i) => i);
  const groups = await admin.listConsumerGroupOffsets({
    groups: [{ groupId: group, topics: [{ name: topic, partitionIndexes }] }],
  });
  const out = new Map<number, number>();
  for (const t of groups[0]?.topics ?? []) {
    if (t.name !== topic) continue;
    for (const p of t.partitions)
      if (p.committedOffset >= 0n) out.set(p.partitionIndex, Number(p.committedOffset));
  }
  return out;
}
