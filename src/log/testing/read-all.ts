import type { EventLog, LogRecord } from '../event-log.js';

/** Every record of a topic on any EventLog, all partitions, in partition then offset order. */
export async function readAll(log: EventLog, topic: string): Promise<LogRecord[]> {
  const info = await log.describeTopic(topic);
  const out: LogRecord[] = [];
  for (const p of info?.partitions ?? []) {
    for (let offset = p.firstOffset; offset < p.nextOffset;) {
      const batch = await log.read(topic, p.partition, offset, { maxRecords: 10_000 });
      out.push(...batch);
      offset = batch.length === 0 ? p.nextOffset : batch[batch.length - 1]!.offset + 1;
    }
  }
  return out;
}
