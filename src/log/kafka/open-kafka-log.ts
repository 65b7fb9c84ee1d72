import { ShopError } from '../../errors/index.js';
import type { EventLog } from '../event-log.js';
import { closeKafkaClients, createKafkaClients } from './kafka-clients.js';
import { KafkaEventLog } from './kafka-event-log.js';
import { resolveKafkaLogOptions, type KafkaLogOptions } from './kafka-log-options.js';

/**
 * Opens the Kafka adapter of the event-log port and checks that a broker answers. Rejects with
 * SHOP_LOG_UNAVAILABLE within `requestTimeoutMs` when none does (never hangs), and with
 * SHOP_CONFIG_INVALID when no bootstrap server is given.
 */
export async function openKafkaLog(options: KafkaLogOptions): Promise<EventLog> {
  const resolved = resolveKafkaLogOptions(options);
  if (resolved.brokers.length === 0) {
    throw new ShopError(
      'SHOP_CONFIG_INVALID',
      'the Kafka adapter needs at least one bootstrap server (log.brokers)',
    );
  }
  const clients = createKafkaClients(resolved);
  const log = new KafkaEventLog(clients, resolved);
  try {
    await log.connect();
  } catch (err) {
    await closeKafkaClients(clients);
    throw err;
  }
  return log;
}
