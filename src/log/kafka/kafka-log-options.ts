/** Options of the Kafka adapter of the event-log port; composed from config by the CLI. */
export interface KafkaLogOptions {
  /** Bootstrap servers, `host:port` each. */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /**
   * Deadline of every call to the broker (a fetch gets its own maxWaitMs on top). A broker that
   * cannot be reached within it gives SHOP_LOG_UNAVAILABLE; a slow answer gives SHOP_LOG_TIMEOUT.
   */
  readonly requestTimeoutMs?: number;
  /** TCP (and TLS) connect timeout of one connection attempt. */
  readonly connectTimeoutMs?: number;
  /** Replication factor of topics created by ensureTopic when the spec gives none. */
  readonly replicationFactor?: number;
  /**
   * Largest record batch one partition gets in one produce request; also the `max.message.bytes`
   * of topics ensureTopic creates. Larger appends are split into several sequential requests.
   */
  readonly maxBatchBytes?: number;
  /** Largest record accepted (key + value + header bytes + 14, as the embedded log counts it). */
  readonly maxRecordBytes?: number;
  /** Upper bound of the bytes one read fetches when the caller gives no maxBytes. */
  readonly maxFetchBytes?: number;
  /** TLS to every broker: `true` = verified against the system CAs; an object adds a CA, a client certificate. */
  readonly tls?: boolean | KafkaTlsOptions;
  readonly sasl?: KafkaSaslOptions;
}

/** PEM contents (not file names); the broker certificate is always verified. */
export interface KafkaTlsOptions {
  /** CA bundle that signs the broker certificates; undefined = the system CAs. */
  readonly ca?: string;
  /** Client certificate chain and its key, for brokers that require mutual TLS. */
  readonly cert?: string;
  readonly key?: string;
  /** Name the broker certificates must carry, when it is not the bootstrap host. */
  readonly serverName?: string;
}

export interface KafkaSaslOptions {
  readonly mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  readonly username: string;
  readonly password: string;
}

export type ResolvedKafkaLogOptions = Required<Omit<KafkaLogOptions, 'sasl' | 'tls'>> & {
  readonly sasl: KafkaSaslOptions | undefined;
  /** undefined = plaintext. */
  readonly tls: KafkaTlsOptions | undefined;
};

export const KAFKA_LOG_DEFAULTS = Object.freeze({
  clientId: 'shopstream',
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 3_000,
  replicationFactor: 1,
  maxBatchBytes: 8 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
  maxFetchBytes: 4 * 1024 * 1024,
});

/** Fills the defaults and freezes the result. Brokers must be non-empty `host:port` strings. */
export function resolveKafkaLogOptions(options: KafkaLogOptions): ResolvedKafkaLogOptions {
  const merged = { ...KAFKA_LOG_DEFAULTS, ...withoutUndefined(options) };
  return Object.freeze({
    ...merged,
    // A batch must hold the largest record with its batch header.
    maxBatchBytes: Math.max(merged.maxBatchBytes, merged.maxRecordBytes + BATCH_HEADER_BYTES),
    brokers: Object.freeze(options.brokers.map((b) => b.trim()).filter((b) => b.length > 0)),
    sasl: options.sasl,
    tls: options.tls === true ? {} : options.tls === false ? undefined : options.tls,
  });
}

const BATCH_HEADER_BYTES = 1024;

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
