import { ShopError, isShopError, type ErrorCode } from '../../errors/index.js';

/**
 * Maps errors of the Kafka client (@platformatic/kafka: `PLT_KFK_*` codes, with the broker's error
 * names as `apiId` on nested protocol errors) to ShopError codes. The first matching rule wins.
 */
const API_ID_RULES: ReadonlyArray<readonly [ErrorCode, readonly string[]]> = [
  ['SHOP_LOG_OFFSET_OUT_OF_RANGE', ['OFFSET_OUT_OF_RANGE']],
  ['SHOP_LOG_TOPIC_NOT_FOUND', ['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID']],
  ['SHOP_LOG_RECORD_TOO_LARGE', ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']],
  ['SHOP_LOG_NOT_ENOUGH_REPLICAS', ['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']],
  [
    'SHOP_LOG_AUTH_FAILED',
    [
      'SASL_AUTHENTICATION_FAILED',
      'TOPIC_AUTHORIZATION_FAILED',
      'GROUP_AUTHORIZATION_FAILED',
      'CLUSTER_AUTHORIZATION_FAILED',
    ],
  ],
  [
    'SHOP_LOG_INVALID_TOPIC',
    ['INVALID_TOPIC_EXCEPTION', 'INVALID_PARTITIONS', 'INVALID_REPLICATION_FACTOR', 'INVALID_CONFIG'],
  ],
  [
    'SHOP_LOG_UNAVAILABLE',
    [
      'LEADER_NOT_AVAILABLE',
      'NOT_LEADER_OR_FOLLOWER',
      'COORDINATOR_NOT_AVAILABLE',
      'NOT_COORDINATOR',
      'BROKER_NOT_AVAILABLE',
    ],
  ],
  ['SHOP_LOG_TIMEOUT', ['REQUEST_TIMED_OUT', 'COORDINATOR_LOAD_IN_PROGRESS']],
];

interface ErrorFacts {
  /** Kafka error names (`apiId`) found anywhere in the error tree. */
  readonly apiIds: string[];
  /** Client error codes (`PLT_KFK_*`) found anywhere in the error tree. */
  readonly clientCodes: string[];
  /** Other `code`s (Node's: ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, ERR_TLS_...). */
  readonly nodeCodes: string[];
  readonly messages: string[];
}

/** Walks `errors` (AggregateError) and `cause` chains, collecting Kafka error names and client codes. */
export function collectErrorFacts(err: unknown): ErrorFacts {
  const facts: ErrorFacts = { apiIds: [], clientCodes: [], nodeCodes: [], messages: [] };
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || seen.has(e) || depth > 8) return;
    seen.add(e);
    const rec = e as { apiId?: unknown; code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof rec.apiId === 'string') facts.apiIds.push(rec.apiId);
    if (typeof rec.code === 'string')
      (rec.code.startsWith('PLT_KFK_') ? facts.clientCodes : facts.nodeCodes).push(rec.code);
    if (e instanceof Error) facts.messages.push(e.message);
    if (Array.isArray(rec.errors)) for (const inner of rec.errors) visit(inner, depth + 1);
    visit(rec.cause, depth + 1);
  };
  visit(err, 0);
  return facts;
}

/** The ShopError code of a client error; `fallback` when nothing more specific matches. */
export function classifyKafkaError(
  err: unknown,
  fallback: ErrorCode = 'SHOP_LOG_BROKER_REJECTED',
): ErrorCode {
  const facts = collectErrorFacts(err);
  for (const [code, ids] of API_ID_RULES) {
    if (facts.apiIds.some((id) => ids.includes(id))) return code;
  }
  // The client reports a metadata answer of UNKNOWN_TOPIC_OR_PARTITION as this UserError, without a cause.
  if (
    facts.clientCodes.includes('PLT_KFK_USER') &&
    facts.messages.some((m) => m.startsWith('Unknown topic '))
  ) {
    return 'SHOP_LOG_TOPIC_NOT_FOUND';
  }
  // A fetch aimed at a leader that has left the cluster (stale metadata after a failover).
  if (
    facts.clientCodes.includes('PLT_KFK_USER') &&
    facts.messages.some((m) => m.startsWith('Cannot find broker with node id'))
  ) {
    return 'SHOP_LOG_UNAVAILABLE';
  }
  if (facts.clientCodes.includes('PLT_KFK_AUTHENTICATION')) return 'SHOP_LOG_AUTH_FAILED';
  if (isTlsFailure(facts)) return 'SHOP_LOG_TLS_FAILED';
  if (facts.clientCodes.includes('PLT_KFK_NETWORK') || facts.clientCodes.includes('PLT_KFK_TIMEOUT')) {
    return 'SHOP_LOG_UNAVAILABLE';
  }
  return fallback;
}

/** Certificate verification codes of Node's tls module (OpenSSL X509 names, ERR_TLS_ and ERR_SSL_ codes). */
const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_(GET|VERIFY|DECRYPT|DECODE)|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE)/;

/**
 * An untrusted, expired or misnamed broker certificate, or a plaintext broker behind a TLS client
 * (the client reports that as a UserError). Not retryable: retrying cannot fix a trust setting.
 */
function isTlsFailure(facts: ErrorFacts): boolean {
  return (
    facts.nodeCodes.some((c) => TLS_CODES.test(c)) ||
    facts.messages.some((m) => m.startsWith('TLS handshake failed'))
  );
}

/** Wraps any error of a Kafka call as a ShopError (a ShopError passes through unchanged). */
export function toShopError(
  err: unknown,
  operation: string,
  details: Record<string, unknown> = {},
): ShopError {
  if (isShopError(err)) return err;
  const code = classifyKafkaError(err);
  const facts = collectErrorFacts(err);
  const message = err instanceof Error ? err.message : String(err);
  return new ShopError(code, `kafka ${operation} failed: ${message}`, {
    cause: err,
    details: { ...details, operation, kafkaErrors: [...new Set(facts.apiIds)] },
  });
}
