import { Admin, Consumer, Producer, ProduceAcks, type BaseOptions } from '@platformatic/kafka';
import type { ConnectionOptions } from 'node:tls';
import type { KafkaTlsOptions, ResolvedKafkaLogOptions } from './kafka-log-options.js';

/** The three protocol clients one KafkaEventLog owns; none of them joins a consumer group. */
export interface KafkaClients {
  readonly admin: Admin;
  /** Idempotent, acks=all: a retried produce never duplicates or reorders records. */
  readonly producer: Producer<Buffer, Buffer, string, string>;
  /** Used only for explicit-offset Fetch requests. */
  readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
}

/** Longest maxWaitMs a read may ask for; the consumer's request timeout allows for it. */
export const MAX_READ_WAIT_MS = 30_000;

/** Client retries inside one call (leader moves, transient network errors); the deadline bounds them. */
const CLIENT_RETRIES = 3;
const CLIENT_RETRY_DELAY_MS = 200;

function baseOptions(options: ResolvedKafkaLogOptions, role: string): BaseOptions {
  return {
    clientId: `${options.clientId}-${role}`,
    bootstrapBrokers: [...options.brokers],
    timeout: options.requestTimeoutMs,
    connectTimeout: options.connectTimeoutMs,
    retries: CLIENT_RETRIES,
    retryDelay: CLIENT_RETRY_DELAY_MS,
    autocreateTopics: false,
    ...(options.tls === undefined ? {} : { tls: nodeTlsOptions(options.tls) }),
    ...(options.sasl ? { sasl: { ...options.sasl } } : {}),
  };
}

/** Node's tls.connect options: the certificate is always verified (rejectUnauthorized). */
function nodeTlsOptions(tls: KafkaTlsOptions): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
  };
}

export function createKafkaClients(options: ResolvedKafkaLogOptions): KafkaClients {
  const admin = new Admin(baseOptions(options, 'admin'));
  const producer = new Producer<Buffer, Buffer, string, string>({
    ...baseOptions(options, 'producer'),
    idempotent: true,
    acks: ProduceAcks.ALL,
    serializers: {
      headerKey: (key?: string) => (key === undefined ? undefined : Buffer.from(key, 'utf8')),
      headerValue: (value?: string) => (value === undefined ? undefined : Buffer.from(value, 'utf8')),
    },
  });
  const consumer = new Consumer<Buffer, Buffer, Buffer, Buffer>({
    ...baseOptions(options, 'reader'),
    timeout: options.requestTimeoutMs + MAX_READ_WAIT_MS,
    groupId: `${options.clientId}-reader`,
    minBytes: 1,
  });
  return { admin, producer, consumer };
}

export function anyClientConnected(clients: KafkaClients): boolean {
  return clients.admin.isConnected() || clients.producer.isConnected() || clients.consumer.isConnected();
}

/** Closes all three clients; never throws (close is best effort on a dead broker). */
export async function closeKafkaClients(clients: KafkaClients): Promise<void> {
  await Promise.allSettled([
    clients.admin.close(),
    clients.producer.close(true),
    clients.consumer.close(true),
  ]);
}
