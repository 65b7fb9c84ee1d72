import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { ShopError } from '../../errors/index.js';
import type { AppendResult, ProducerRecord } from '../event-log.js';

type Position = { partition: number; offset: number };

/**
 * Sends the rounds of one append, one after the other, and resolves with the position of every
 * record. Guarantees: each round is acknowledged by all in-sync replicas (the producer is
 * idempotent with acks=all) before the next is sent; a partition's records of one round form one
 * batch, so they get consecutive offsets starting at the batch's base offset.
 */
export async function sendRounds(
  producer: Producer<Buffer, Buffer, string, string>,
  topic: string,
  records: readonly ProducerRecord[],
  assigned: readonly number[],
  rounds: readonly number[][],
): Promise<AppendResult> {
  const positions: Position[] = new Array<Position>(records.length);
  for (const round of rounds) {
    const messages = round.map((index) => toMessage(topic, records[index]!, assigned[index]!));
    const result = await producer.send({ messages });
    const nextOffset = baseOffsets(topic, result.offsets ?? []);
    for (const index of round) {
      const partition = assigned[index]!;
      const offset = nextOffset.get(partition);
      if (offset === undefined) {
        throw new ShopError(
          'SHOP_LOG_BROKER_REJECTED',
          `produce to ${topic}/${partition} returned no offset`,
        );
      }
      positions[index] = { partition, offset };
      nextOffset.set(partition, offset + 1);
    }
  }
  return { positions };
}

function toMessage(
  topic: string,
  record: ProducerRecord,
  partition: number,
): MessageToProduce<Buffer, Buffer, string, string> {
  return {
    topic,
    partition,
    value: record.value,
    ...(record.key === null ? {} : { key: record.key }),
    timestamp: BigInt(record.timestampMs ?? Date.now()),
    ...(record.headers === undefined ? {} : { headers: new Map(Object.entries(record.headers)) }),
  };
}

function baseOffsets(
  topic: string,
  offsets: ReadonlyArray<{ topic: string; partition: number; offset: bigint }>,
): Map<number, number> {
  const byPartition = new Map<number, number>();
  for (const o of offsets) if (o.topic === topic) byPartition.set(o.partition, Number(o.offset));
  return byPartition;
}
