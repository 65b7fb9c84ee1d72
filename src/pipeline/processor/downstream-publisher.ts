import type { EventLog, ProducerRecord } from '../../log/event-log.js';
import type { PartitionBatch } from './transform-batch.js';

/** Validated events, one JSON object per record (PII masked as in Silver), key = user_id. */
export const CLEAN_TOPIC = 'ecom.events.clean.v1';
/** Quarantined records as read, key = the raw record's key, reasons in the `reasons` header. */
export const QUARANTINE_TOPIC = 'ecom.events.quarantine.v1';

export type DownstreamPublisher = (batches: readonly PartitionBatch[]) => Promise<void>;

/**
 * Publishes a batch's Silver events to CLEAN_TOPIC and its quarantined records to
 * QUARANTINE_TOPIC, on the same partition number as their source record, with `source_partition`
 * and `source_offset` headers. Called before the batch's serving-DB
 * commit (step 3), so downstream is **at-least-once**: a crash or a failure before the commit
 * re-reads the batch from the position of record and publishes it again (same rows: the transform
 * is deterministic given the committed state); a fenced zombie may publish a batch its successor
 * publishes too. Consumers dedupe on event_id, or on source_partition + source_offset. The lake and
 * Gold stay exactly once; see docs/delivery-guarantees.md.
 */
export function downstreamPublisher(log: EventLog, partitions: number): DownstreamPublisher {
  let ensured: Promise<void> | undefined;
  const ensure = () =>
    (ensured ??= Promise.all([
      log.ensureTopic({ name: CLEAN_TOPIC, partitions }),
      log.ensureTopic({ name: QUARANTINE_TOPIC, partitions }),
    ]).then(() => undefined));
  return async (batches) => {
    await ensure();
    const clean: ProducerRecord[] = [];
    const quarantined: ProducerRecord[] = [];
    for (const b of batches) {
      const partition = b.partition % partitions;
      for (const row of b.silver) {
        clean.push({
          key: Buffer.from(row.event.user_id),
          value: Buffer.from(JSON.stringify(row.event)),
          partition,
          headers: { source_partition: String(row.partition), source_offset: String(row.offset) },
        });
      }
      for (const row of b.quarantine) {
        quarantined.push({
          key: row.logKey === null ? null : Buffer.from(row.logKey),
          value:
            row.rawJson === null ? Buffer.from(row.rawBytes ?? new Uint8Array()) : Buffer.from(row.rawJson),
          partition,
          headers: {
            reasons: row.reasons.join(','),
            source_partition: String(row.partition),
            source_offset: String(row.offset),
          },
        });
      }
    }
    if (clean.length > 0) await log.append(CLEAN_TOPIC, clean);
    if (quarantined.length > 0) await log.append(QUARANTINE_TOPIC, quarantined);
  };
}
