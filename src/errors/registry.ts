/**
 * The registry of coded errors: `SHOP_<AREA>_<WHAT>`. A code is never reused for another meaning
 * and never removed; `docs/errors.md` lists every code and a test keeps the two in sync.
 */
export interface ErrorDefinition {
  readonly canRetry: boolean;
  readonly description: string;
}

export const ERROR_REGISTRY = {
  SHOP_CONFIG_INVALID: { canRetry: false, description: 'A configuration value does not match the schema.' },
  SHOP_CONFIG_UNKNOWN_KEY: {
    canRetry: false,
    description: 'A configuration file or variable names a key the schema does not have.',
  },
  SHOP_CONFIG_FILE_UNREADABLE: {
    canRetry: false,
    description: 'The configuration file cannot be read or is not valid JSON.',
  },
  SHOP_CLI_BAD_ARGUMENT: { canRetry: false, description: 'A command-line argument is missing or malformed.' },
  SHOP_LOG_LOCKED: {
    canRetry: true,
    description: 'Another live process holds the embedded log lock (one writer per log).',
  },
  SHOP_LOG_TOPIC_NOT_FOUND: { canRetry: false, description: 'The topic does not exist in the log.' },
  SHOP_LOG_PARTITION_NOT_FOUND: {
    canRetry: false,
    description: 'The partition does not exist in the topic.',
  },
  SHOP_LOG_OFFSET_OUT_OF_RANGE: {
    canRetry: false,
    description: 'The requested offset was removed by retention or lies beyond the end of the partition.',
  },
  SHOP_LOG_RECORD_TOO_LARGE: {
    canRetry: false,
    description: 'A record exceeds the maximum record size of the log.',
  },
  SHOP_LOG_READ_ONLY: { canRetry: false, description: 'A write was attempted on a log opened read-only.' },
  SHOP_LOG_CLOSED: { canRetry: false, description: 'The log was used after close().' },
  SHOP_LOG_CORRUPT: {
    canRetry: false,
    description: 'A log segment is corrupt before its tail (a torn tail is truncated, not reported).',
  },
  SHOP_LOG_IO: { canRetry: true, description: 'A file-system operation of the embedded log failed.' },
  SHOP_LOG_UNAVAILABLE: {
    canRetry: true,
    description: 'The log (broker) cannot be reached within its timeout.',
  },
  SHOP_LOG_TIMEOUT: { canRetry: true, description: 'A log operation did not complete within its timeout.' },
  SHOP_LOG_FULL: { canRetry: true, description: 'The log refuses appends because a size limit is reached.' },
  SHOP_LOG_NOT_ENOUGH_REPLICAS: {
    canRetry: true,
    description: 'Kafka refused an acks=all append: fewer in-sync replicas than min.insync.replicas.',
  },
  SHOP_LOG_AUTH_FAILED: {
    canRetry: false,
    description: 'The Kafka broker rejected the credentials (SASL) or an ACL denies the operation.',
  },
  SHOP_LOG_TLS_FAILED: {
    canRetry: false,
    description:
      'The TLS handshake with a Kafka broker failed: its certificate is not trusted (kafka.tlsCaFile), has expired or names another host, or the broker does not speak TLS.',
  },
  SHOP_LOG_BROKER_REJECTED: {
    canRetry: false,
    description:
      'The Kafka broker rejected a request for a reason with no code of its own; details carry the Kafka error names.',
  },
  SHOP_LOG_INVALID_TOPIC: {
    canRetry: false,
    description: 'A topic name or spec is invalid (name [a-zA-Z0-9._-], 1-249 chars; partitions >= 1).',
  },
  SHOP_STORE_UNAVAILABLE: { canRetry: true, description: 'The serving database cannot be reached.' },
  SHOP_STORE_LOCKED: {
    canRetry: true,
    description: 'Another live process holds the embedded serving database lock.',
  },
  SHOP_STORE_QUERY_FAILED: {
    canRetry: false,
    description: 'A serving-database query failed; details carry the SQL and parameters.',
  },
  SHOP_STORE_SCHEMA_OUTDATED: {
    canRetry: true,
    description:
      'store.migrations=verify and a migration is not applied yet: run `shopstream db migrate` with the migration role (the process may retry after it).',
  },
  SHOP_STORE_AUTH_FAILED: {
    canRetry: false,
    description:
      'PostgreSQL refused the login (wrong password, unknown role, or pg_hba.conf rejects the connection, e.g. plaintext where TLS is required).',
  },
  SHOP_STORE_TLS_FAILED: {
    canRetry: false,
    description:
      'The TLS handshake with PostgreSQL failed: the server certificate is not trusted (store.sslCaFile), names another host, or the server does not offer TLS.',
  },
  SHOP_STORE_PERMISSION_DENIED: {
    canRetry: false,
    description:
      'The database role lacks a privilege the operation needs (SQLSTATE 42501); see the least-privilege roles in docs/deploy.md.',
  },
  SHOP_STORE_BACKUP_FAILED: {
    canRetry: false,
    description:
      'pg_dump or pg_restore failed (details name the tool; its stderr is in the message), or a backup folder is incomplete or does not match the store kind.',
  },
  SHOP_STORE_MIGRATION_FAILED: {
    canRetry: false,
    description: 'A schema migration of the serving database failed.',
  },
  SHOP_STORE_FENCED: {
    canRetry: false,
    description:
      'A newer processor owns the partition: this (zombie) processor must stop without committing.',
  },
  SHOP_PROCESSOR_LEASE_EXPIRED: {
    canRetry: true,
    description:
      'The processor could not renew its group-membership lease in time; it writes nothing until it has renewed it and re-checked its partitions.',
  },
  SHOP_PROCESSOR_LAKE_BEHIND_LOG: {
    canRetry: false,
    description:
      'Records committed in Gold but not yet flushed to the lake are no longer in the log (retention deleted them while the processor was down): the lake cannot be completed from the log. Raise log.retentionMs above lake.flushMaxAgeMs plus the longest outage.',
  },
  SHOP_LAKE_WRITE_FAILED: { canRetry: true, description: 'Writing a lake file failed.' },
  SHOP_LAKE_QUERY_FAILED: { canRetry: false, description: 'A DuckDB query over the lake failed.' },
  SHOP_LAKE_QUERY_TIMEOUT: {
    canRetry: true,
    description: 'A lake query ran longer than lake.queryTimeoutMs and was interrupted.',
  },
  SHOP_LAKE_READ_ONLY: { canRetry: false, description: 'A write was attempted on a lake opened read-only.' },
  SHOP_LAKE_STORAGE_FAILED: {
    canRetry: true,
    description:
      'An operation of the lake storage (local folder or S3 bucket) failed: disk, network, permissions or the S3 service; details carry the operation, the storage URL and the key.',
  },
  SHOP_LAKE_STORAGE_BAD_KEY: {
    canRetry: false,
    description:
      "A lake storage key or prefix is not canonical: empty, absolute, with an empty, '.' or '..' segment, a backslash, a NUL, or the reserved '.tmp-' in its name.",
  },
  SHOP_LAKE_COMMIT_CONFLICT: {
    canRetry: true,
    description:
      'A Delta commit lost to a concurrent one that touched the same application transaction (txn appId), removed the same files or changed the metadata: re-read the table and redo the work (the processor does this by recovering the partition).',
  },
  SHOP_LAKE_LOG_INVALID: {
    canRetry: false,
    description:
      'A Delta table log cannot be read: a commit or checkpoint is not valid JSON/Parquet, a version is missing, or the table needs a newer protocol than reader 1 / writer 2.',
  },
  SHOP_LAKE_VACUUM_REFUSED: {
    canRetry: false,
    description:
      'lake vacuum was asked for a retention under 1 hour, or shorter than a pinned reader needs (its version would lose files).',
  },
  SHOP_LAKE_VERSION_NOT_FOUND: {
    canRetry: false,
    description: 'Time travel asked for a table version (or a time) that the table log does not hold.',
  },
  SHOP_MART_WRITE_FAILED: {
    canRetry: true,
    description: 'Writing the lake copy (Parquet) of a mart partition failed.',
  },
  SHOP_IMPORT_SOURCE_UNREADABLE: {
    canRetry: false,
    description:
      'An import source cannot be read: missing or unreadable file, not CSV/NDJSON/Parquet, or a PostgreSQL source that refuses the connection, the table or the query.',
  },
  SHOP_IMPORT_SOURCE_TOO_LARGE: {
    canRetry: false,
    description: 'An import source file is larger than import.maxFileBytes.',
  },
  SHOP_IMPORT_BAD_MAPPING: {
    canRetry: false,
    description:
      'The import mapping file is not valid JSON, names an unknown field, or maps a field to a column the source lacks.',
  },
  SHOP_API_BAD_REQUEST: {
    canRetry: false,
    description: 'An API request does not match the route schema (query, params or body).',
  },
  SHOP_API_UNAUTHORIZED: {
    canRetry: false,
    description: 'The API request carries no valid API key and the route requires one.',
  },
  SHOP_API_FORBIDDEN: {
    canRetry: false,
    description: 'The API key is valid but its role may not use this route (admin required).',
  },
  SHOP_API_NO_LAKE: {
    canRetry: false,
    description:
      'The route answers from the lake, and this API process was started without one (lake.dir unreachable).',
  },
  SHOP_API_NOT_FOUND: { canRetry: false, description: 'No API route or resource matches the request.' },
  SHOP_API_RATE_LIMITED: {
    canRetry: true,
    description: 'The client exceeded api.rateLimitPerMin; retry after the Retry-After header.',
  },
  SHOP_API_BODY_TOO_LARGE: { canRetry: false, description: 'The request body exceeds api.bodyLimitBytes.' },
  SHOP_API_CORS_REJECTED: {
    canRetry: false,
    description: 'The request Origin is not listed in api.corsOrigins.',
  },
  SHOP_API_INTERNAL: {
    canRetry: true,
    description: 'The API failed to answer (a dependency failed); details are logged, never sent.',
  },
  SHOP_COLLECTOR_BAD_BODY: {
    canRetry: false,
    description:
      'The collector cannot parse the request body (not JSON/NDJSON, bad gzip, not an object or array where one is required).',
  },
  SHOP_COLLECTOR_UNSUPPORTED_MEDIA_TYPE: {
    canRetry: false,
    description: 'The request body has a content-type or content-encoding the collector does not read.',
  },
  SHOP_COLLECTOR_BODY_TOO_LARGE: {
    canRetry: false,
    description:
      'The request body exceeds collector.maxBatchBytes (Segment) or collector.maxNativeBodyBytes (native).',
  },
  SHOP_COLLECTOR_EVENT_TOO_LARGE: {
    canRetry: false,
    description: 'One event exceeds collector.maxEventBytes.',
  },
  SHOP_COLLECTOR_TOO_MANY_EVENTS: {
    canRetry: false,
    description: 'The request carries more than collector.maxBatchEvents events.',
  },
  SHOP_COLLECTOR_UNAUTHORIZED: {
    canRetry: false,
    description: 'The write key is missing (and required) or unknown or revoked.',
  },
  SHOP_COLLECTOR_RATE_LIMITED: {
    canRetry: true,
    description:
      'The write key (or client IP) exceeded collector.rateLimitEventsPerSec; retry after Retry-After.',
  },
  SHOP_COLLECTOR_OVERLOADED: {
    canRetry: true,
    description:
      'Back-pressure: collector.maxInFlightBytes of events are waiting for the log; retry after Retry-After.',
  },
  SHOP_COLLECTOR_LOG_UNAVAILABLE: {
    canRetry: true,
    description:
      'The log did not durably accept the events in time (or recently failed); nothing was acknowledged, retry after Retry-After.',
  },
  SHOP_COLLECTOR_KEYS_FILE: {
    canRetry: false,
    description: 'The write-key file (<dataDir>/keys.json) cannot be read, parsed or written.',
  },
  SHOP_COLLECTOR_KEY_NOT_FOUND: { canRetry: false, description: 'No write key has this id.' },
  SHOP_SIM_BAD_OPTION: { canRetry: false, description: 'A simulator option is out of range.' },
  SHOP_SIM_SINK_FAILED: {
    canRetry: false,
    description: 'The simulator could not write its output (closed pipe, full disk, unwritable file).',
  },
  SHOP_JOBS_UNKNOWN_ASSET: { canRetry: false, description: 'No asset of the orchestrator has this key.' },
  SHOP_JOBS_BAD_GRAPH: {
    canRetry: false,
    description:
      'The asset graph is invalid: a duplicate key, an unknown upstream, a cycle or a bad schedule.',
  },
  SHOP_JOBS_FAILED: {
    canRetry: true,
    description: 'Materialising an asset partition threw an error that carries no code of its own.',
  },
  SHOP_JOBS_TIMEOUT: {
    canRetry: true,
    description: 'Materialising an asset partition took longer than its timeout.',
  },
  SHOP_JOBS_ATTEMPT_LOST: {
    canRetry: true,
    description: 'A running attempt lost its lease (its scheduler crashed or stalled); it is retried.',
  },
  SHOP_JOBS_CHECK_FAILED: {
    canRetry: false,
    description: 'A check run after materialising an asset partition failed.',
  },
  SHOP_JOBS_UPSTREAM_FAILED: {
    canRetry: false,
    description: 'An upstream asset of the partition failed after its last retry, so it was not run.',
  },
  SHOP_JOBS_BACKFILL_NOT_FOUND: { canRetry: false, description: 'No backfill has this id.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_REGISTRY;
