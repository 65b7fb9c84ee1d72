import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DEFAULT_SEGMENT_RULES } from '../batch/customers/rfm/segment-rules.js';

/**
 * The one configuration schema. Every field has a type, a default, a unit in its name where it has
 * one, and a description; `docs/configuration.md` is generated from this file (`npm run docs:config`)
 * and a test keeps it in sync. Loaded only by `config/load-config.ts`.
 */

const str = (def: string, description: string) => Type.String({ default: def, description });
const int = (def: number, description: string, min = 0) =>
  Type.Integer({ default: def, minimum: min, description });
const num = (def: number, description: string, min = 0) =>
  Type.Number({ default: def, minimum: min, description });

const section = <T extends Record<string, TSchema>>(description: string, fields: T) =>
  Type.Object(fields, { additionalProperties: false, default: {}, description });

export const ConfigSchema = Type.Object(
  {
    dataDir: str('./data', 'Folder for the embedded log, the embedded serving DB and the local lake.'),
    contract: section(
      'Limits of the event contract v1 validator (docs/contract.md); record size is log.maxRecordBytes.',
      {
        maxFutureMs: int(
          24 * 3600 * 1000,
          'event_time may lie at most this far after ingest_time (else event_time_in_future).',
        ),
        maxIdChars: int(
          1024,
          'Longest id-like string field (ids, source, category, ...), in UTF-16 code units (else value_too_long).',
          1,
        ),
        maxTextChars: int(
          4096,
          'Longest page_url, referrer or user_agent, in UTF-16 code units (else value_too_long).',
          1,
        ),
        referenceOnly: Type.Boolean({
          default: false,
          description: 'Apply only the nine reference rules and the four reference event types.',
        }),
      },
    ),
    log: section('The event log (embedded file log, or Kafka when `log.brokers` is set).', {
      brokers: str(
        '',
        'Comma-separated Kafka bootstrap servers; empty = the embedded log under dataDir/log.',
      ),
      partitions: int(4, 'Partitions of the raw topic when shopstream creates it.', 1),
      replicationFactor: int(1, 'Replication factor of topics shopstream creates (Kafka only).', 1),
      fsync: Type.Union([Type.Literal('always'), Type.Literal('interval'), Type.Literal('never')], {
        default: 'always',
        description:
          'Embedded log durability: `always` fsyncs before an append is acknowledged; `interval` every fsyncIntervalMs; `never` leaves it to the OS.',
      }),
      fsyncIntervalMs: int(
        200,
        'With fsync=interval: the longest time an acknowledged append may sit unsynced.',
        1,
      ),
      segmentBytes: int(64 * 1024 * 1024, 'Embedded log: roll to a new segment file past this size.', 1024),
      retentionMs: int(
        7 * 24 * 3600 * 1000,
        'Retention of the raw topics (events, customers) set when shopstream creates them: delete whole segments older than this (0 = keep forever).',
      ),
      processedRetentionMs: int(
        30 * 24 * 3600 * 1000,
        'Retention of the processed topics shopstream creates (ecom.events.clean.v1, .quarantine.v1, ecom.daily_aggregations.v1, ecom.data_quality_alerts.v1); 0 = keep forever.',
      ),
      retentionBytes: int(0, 'Keep at most about this many bytes per partition (0 = no limit).'),
      maxRecordBytes: int(1024 * 1024, 'Largest record the log accepts.', 1),
    }),
    store: section(
      'The serving database (embedded PGlite, or a PostgreSQL server when `store.url` is set).',
      {
        url: str(
          '',
          'Empty = embedded PGlite under dataDir/serving; `postgres://user:password@host:port/db` = a PostgreSQL server.',
        ),
        poolSize: int(10, 'PostgreSQL: most pooled connections per process.', 1),
        embeddedSharedBuffersMb: int(
          32,
          "Embedded PGlite: PostgreSQL's shared_buffers. PGlite's WebAssembly memory never shrinks, so this bounds how far the buffer cache grows the process (reads past it come from the OS page cache); PostgreSQL's own default is 128.",
          1,
        ),
        statementTimeoutMs: int(
          30_000,
          'PostgreSQL: server-side statement_timeout of every connection (0 = none).',
        ),
        connectTimeoutMs: int(
          5_000,
          'PostgreSQL: longest wait for a connection before the store reports itself unavailable.',
          1,
        ),
        sslMode: Type.Union(
          [
            Type.Literal(''),
            Type.Literal('disable'),
            Type.Literal('require'),
            Type.Literal('verify-ca'),
            Type.Literal('verify-full'),
          ],
          {
            default: '',
            description:
              'PostgreSQL TLS, as libpq: `require` encrypts without checking the certificate, `verify-ca` checks it against sslCaFile, `verify-full` also checks the host name (system CAs without sslCaFile); empty = the URL decides (`?sslmode=`), else plaintext. When set, the URL must carry no ssl parameters.',
          },
        ),
        sslCaFile: str(
          '',
          'PostgreSQL: PEM file of the CA that signs the server certificate (verify-ca, verify-full).',
        ),
        sslCertFile: str(
          '',
          'PostgreSQL: PEM client certificate (certificate authentication); needs sslKeyFile.',
        ),
        sslKeyFile: str('', 'PostgreSQL: PEM private key of sslCertFile (unencrypted).'),
        windowCommitsRetentionHours: int(
          48,
          'The processor commits recorded per KPI window (serving.kpi_window_commits, listed by `kpis explain` and /api/v1/kpis/explain) are kept for windows of this many hours; the hourly `gold.retention` asset deletes older ones (their KPIs stay). 0 = keep forever.',
        ),
        migrations: Type.Union([Type.Literal('apply'), Type.Literal('verify')], {
          default: 'apply',
          description:
            '`apply` = apply missing migrations when the store opens (needs the migration role, docs/deploy.md); `verify` = never change the schema, fail with SHOP_STORE_SCHEMA_OUTDATED when a migration is missing (least-privilege roles; run `shopstream db migrate` first).',
        }),
      },
    ),
    kafka: section('Kafka client settings, used when `log.brokers` is set (docs/kafka.md).', {
      clientId: str(
        'shopstream',
        'Client id prefix the broker sees (`<clientId>-producer`, `-admin`, `-reader`).',
      ),
      requestTimeoutMs: int(
        10_000,
        'Deadline of every broker call; an unreachable broker fails with SHOP_LOG_UNAVAILABLE after it.',
        100,
      ),
      connectTimeoutMs: int(3_000, 'TCP/TLS connect timeout of one connection attempt.', 100),
      maxBatchBytes: int(
        8 * 1024 * 1024,
        'Largest batch per partition in one produce request; also `max.message.bytes` of topics shopstream creates.',
        1024,
      ),
      maxFetchBytes: int(4 * 1024 * 1024, 'Most bytes one read fetches from a partition.', 1024),
      tls: Type.Boolean({
        default: false,
        description:
          'Connect with TLS (managed services: MSK, Event Hubs, Confluent Cloud). Without tlsCaFile the system CAs verify the broker.',
      }),
      tlsCaFile: str(
        '',
        'With tls: PEM file of the CA(s) that sign the broker certificates (a private or self-signed CA); empty = the system CAs.',
      ),
      tlsCertFile: str(
        '',
        'With tls: PEM client certificate (chain) for brokers that require one (mutual TLS); needs tlsKeyFile.',
      ),
      tlsKeyFile: str('', 'With tls: PEM private key of tlsCertFile (unencrypted).'),
      tlsServerName: str(
        '',
        'With tls: the name the broker certificates must carry (SNI and verification) when it differs from the bootstrap host.',
      ),
      saslMechanism: Type.Union(
        [
          Type.Literal(''),
          Type.Literal('PLAIN'),
          Type.Literal('SCRAM-SHA-256'),
          Type.Literal('SCRAM-SHA-512'),
        ],
        {
          default: '',
          description: 'SASL mechanism; empty = no SASL.',
        },
      ),
      saslUsername: str('', 'SASL user name (Event Hubs: `$ConnectionString`).'),
      saslPassword: str(
        '',
        'SASL password (Event Hubs: the connection string). Prefer the environment variable over a file.',
      ),
    }),
    simulator: section('The traffic simulator used by `generate` and `start`.', {
      ratePerSec: int(200, 'Events per second of simulated traffic in `start` (0 = as fast as possible).'),
      seed: int(42, 'Seed of the deterministic generator.'),
      products: int(2000, 'Catalog size.', 1),
      customers: int(50000, 'Customer population.', 1),
      invalidPct: num(0.5, 'Share of invalid events, in percent.'),
      duplicatePct: num(0.5, 'Share of duplicated events (same event_id re-sent), in percent.'),
      latePct: num(0.2, 'Share of late events, in percent.'),
      lateMaxMs: int(10 * 60 * 1000, 'How late a late event may be, in milliseconds.'),
      outOfOrderPct: num(
        0.5,
        'Share of events delivered out of order (held back a few records), in percent.',
      ),
      outOfOrderWindowEvents: int(
        200,
        'An out-of-order event is delivered 1..this many records after its place.',
        1,
      ),
      trafficShape: Type.Union([Type.Literal('realistic'), Type.Literal('flat')], {
        default: 'realistic',
        description:
          '`realistic` = diurnal and weekly curve (ratePerSec is the weekly average); `flat` = ratePerSec at every hour.',
      }),
      scenario: Type.Union([Type.Literal('none'), Type.Literal('spike'), Type.Literal('drop')], {
        default: 'none',
        description:
          'Alert-testing scenario: `spike` multiplies traffic by spikeFactor, `drop` breaks the checkout (no purchases) for scenarioDurationS.',
      }),
      scenarioStartS: int(300, 'Seconds of event time after the start at which the scenario begins.'),
      scenarioDurationS: int(300, 'How long the scenario lasts, in seconds of event time.'),
      spikeFactor: num(5, 'Traffic multiplier during a spike scenario.', 0.01),
      backfillMinutes: int(
        60,
        '`start` on an empty log first generates this many minutes of history (batch mode) so the dashboard has a past.',
      ),
    }),
    api: section('The serving API and the dashboard it serves (`start`, `api`).', {
      host: str('127.0.0.1', 'Interface the API listens on.'),
      port: int(8080, 'TCP port of the API and dashboard (0 = any free port).'),
      readAuth: Type.Union([Type.Literal('auto'), Type.Literal('open'), Type.Literal('key')], {
        default: 'auto',
        description:
          'Who may read: `open` = anyone, `key` = any valid key is required; `auto` = open in embedded mode (log.brokers empty), key in distributed mode. Operator and admin routes always need a key of that role.',
      }),
      adminKeys: str(
        '',
        'Comma-separated admin API keys, each `sha256:<hex>` (preferred) or a plain value hashed at load.',
      ),
      viewerKeys: str(
        '',
        'Comma-separated viewer (read-only) API keys, `sha256:<hex>` or plain values hashed at load.',
      ),
      analystKeys: str(
        '',
        'Comma-separated analyst API keys (viewer + marts, customers and explain routes), `sha256:<hex>` or plain.',
      ),
      operatorKeys: str(
        '',
        'Comma-separated operator API keys (analyst + job triggers and alert acknowledgement), `sha256:<hex>` or plain.',
      ),
      keyRotationGraceMs: int(
        24 * 3600 * 1000,
        'After a key rotation (API or `api-keys rotate`), the old key keeps working this long (0 = revoked at once).',
      ),
      corsOrigins: str('', 'Comma-separated origins allowed by CORS (`*` = any); empty = same-origin only.'),
      rateLimitPerMin: int(
        1200,
        'Requests per minute per client (API key, else IP), token bucket; 0 = unlimited.',
      ),
      bodyLimitBytes: int(64 * 1024, 'Largest request body accepted.', 1),
      streamPollIntervalMs: int(
        500,
        'Distributed mode: how often the API polls the store for new commits to push on the live stream.',
        50,
      ),
      streamHeartbeatMs: int(15_000, 'Interval of keep-alive comments on the live stream.', 1000),
      webDir: str('', 'Folder of the built dashboard served at `/`; empty = web/dist of the installation.'),
    }),
    runtime: section('Settings of the Node.js runtime of the long-running commands (`start`, `run`).', {
      heapGrowingPercent: int(
        50,
        "A full garbage collection runs once the JavaScript heap has grown to (1 + this/100) times what the last one left live (V8's --heap-growing-percent); 0 = V8's own factor, which goes up to 4x under a high allocation rate (start's catch-up of its backfill: a 250 MB live set in a 1 GB heap). Measured on start's 60-minute backfill: peak RSS 1.9 GB at V8's factor, 1.5 GB at 50, same catch-up time.",
        0,
      ),
    }),
    ops: section(
      'The operations endpoint of `run --role` processes: `/health`, `/ready`, `/metrics` for probes and scrapes (docs/observability.md; `start` and `run --role all` serve them on the API port).',
      {
        enabled: Type.Boolean({
          default: false,
          description:
            'Serve the operations endpoint in every `run --role` process except `all` (the Helm chart turns it on).',
        }),
        host: str('127.0.0.1', 'Interface of the operations endpoint (`0.0.0.0` in a container).'),
        port: int(9464, 'TCP port of the operations endpoint (0 = any free port).'),
      },
    ),
    tracing: section(
      'OpenTelemetry traces of `start` and `run --role` processes: a span per collector request and per processor batch with its steps (read, parse, validate, dedupe, aggregate, store commit) and per lake flush (write, commit), exported over OTLP/HTTP (docs/observability.md).',
      {
        otlpEndpoint: str(
          '',
          'OTLP/HTTP traces URL, e.g. `http://otel-collector:4318/v1/traces`; empty = tracing off (the OpenTelemetry SDK is not loaded, spans are no-ops).',
        ),
        headers: str(
          '',
          'Comma-separated `name=value` HTTP headers sent with every export (e.g. an `authorization` token of the tracing backend; set it through the environment).',
        ),
        serviceName: str(
          'shopstream',
          'The `service.name` resource attribute; the role (`start`, `collector`, `processor`, ...) is `shopstream.role`.',
        ),
        sampleRatio: Type.Number({
          default: 1,
          minimum: 0,
          maximum: 1,
          description:
            'Share of root spans (collector requests, processor batches, lake flushes) recorded; a request that arrives with a sampled `traceparent` is recorded whatever this is.',
        }),
      },
    ),
    collector: section('The HTTP collector: native and Segment-compatible ingestion (docs/collector.md).', {
      host: str(
        '127.0.0.1',
        'Interface `run --role collector` listens on (inside `start` the collector shares the API port).',
      ),
      port: int(8081, 'TCP port of `run --role collector` (0 = any free port).'),
      requireWriteKey: Type.Union([Type.Literal('auto'), Type.Literal('always'), Type.Literal('never')], {
        default: 'auto',
        description:
          'Whether requests need a write key (`shopstream keys create`): `auto` = required in distributed mode (log.brokers set), optional in embedded mode. A presented unknown key is always 401.',
      }),
      corsOrigins: str('*', 'Comma-separated browser origins allowed to send events (`*` = any).'),
      maxEventBytes: int(32 * 1024, 'Largest single event (JSON bytes), as Segment.', 1),
      maxBatchBytes: int(500 * 1024, 'Largest Segment request body (decompressed), as Segment.', 1),
      maxBatchEvents: int(2500, 'Most events in one request (Segment batch or native array/NDJSON).', 1),
      maxNativeBodyBytes: int(4 * 1024 * 1024, 'Largest `POST /v1/events` body (decompressed).', 1),
      rateLimitEventsPerSec: int(
        0,
        'Events per second per write key (per client IP without a key), token bucket with one second of burst; 0 = unlimited.',
      ),
      maxInFlightBytes: int(
        64 * 1024 * 1024,
        'Back-pressure: most bytes of accepted-but-not-yet-durable events held in memory; beyond it requests get 503.',
        1024,
      ),
      maxAppendRecords: int(20_000, 'Micro-batching: most records grouped into one log append.', 1),
      maxConcurrentAppends: int(2, 'Micro-batching: most log appends in flight at once.', 1),
      ackTimeoutMs: int(
        800,
        'A request whose events are not durable after this long gets 503 (the log is slow or unavailable).',
        1,
      ),
      retryAfterMs: int(
        1000,
        'After a failed or timed-out append, requests get 503 with Retry-After for this long before the log is tried again.',
        1,
      ),
      customerPartitions: int(
        4,
        'Partitions of the customer topic (identify/group/alias) when the collector creates it.',
        1,
      ),
    }),
    processor: section('The stream processor (Bronze, Silver + quarantine + dedupe, Gold).', {
      watermarkMs: int(
        3_600_000,
        'Event-time watermark: dedupe horizon, and events older than stream time minus this are quarantined as late_beyond_watermark.',
        1,
      ),
      dedupeHotMs: int(
        300_000,
        'Dedupe ids whose event time is within this of the stream time stay in memory; older ones (up to watermarkMs) are sealed once a minute into files under <dataDir>/tmp/dedupe with a ~2-byte-per-id filter in memory, so the state no longer grows with the rate times the watermark (an hour at 10k events/s: ~1.2 GB in memory without). 0 keeps every id in memory.',
        0,
      ),
      maxBatchRecords: int(
        2_500,
        'Most records read from one partition per cycle (lake file sizes do not depend on it: see lake.flushMaxBytes). Two cycles of records are in memory at once; measured with `process --once` over 300k events: 2,500 peaks at ~0.9 GB RSS, 10,000 at ~1.45 GB, at the same events/s.',
        1,
      ),
      maxWaitMs: int(100, 'How long a cycle waits for new records when the log is idle.'),
      minBatchIntervalMs: int(
        200,
        'A long-running processor that is not catching up (its last read filled no partition up to maxBatchRecords) starts reads at most this often, so a trickle of events makes a few larger commits a second instead of one per record: CPU grows with events, not commits. Adds at most this much to freshness; `--once` never waits.',
      ),
      idleFinalizeMs: int(
        5_000,
        'Processing time without new records after which every open window is marked final.',
        1,
      ),
      piiMasking: Type.Union([Type.Literal('off'), Type.Literal('redact'), Type.Literal('hash')], {
        default: 'off',
        description:
          'Masking of ip_address and user_agent in Silver: keep, null out, or replace by a salted SHA-256 prefix.',
      }),
      piiSalt: str('', 'Salt of the PII hash (piiMasking=hash).'),
      consumerGroup: str(
        'shopstream-processor',
        'Consumer group under which positions are mirrored to the log for lag monitoring.',
      ),
      publishDownstream: Type.Boolean({
        default: false,
        description:
          "Publish each batch's Silver events to ecom.events.clean.v1 and quarantined records (reasons in headers) to ecom.events.quarantine.v1, before its serving-DB commit: at-least-once (a crash in between publishes the batch again; dedupe on event_id or source_partition + source_offset). Needs a writable log: Kafka, or the embedded log (then no other process may write it).",
      }),
      membership: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], {
        default: 'auto',
        description:
          'Group membership of `process` (docs/adr/0001-processor-group-membership.md): `on` = processors share the partitions through a lease table in the serving DB and take over a dead member within memberLeaseMs; `off` = own all (or --partitions); `auto` = on with a PostgreSQL store (store.url), off with embedded PGlite (one process by construction).',
      }),
      heartbeatIntervalMs: int(
        1_000,
        'Group membership: how often a processor renews its lease and recomputes its partitions.',
        50,
      ),
      memberLeaseMs: int(
        5_000,
        'Group membership: a processor whose lease is not renewed for this long is dead; its partitions move to the others.',
        100,
      ),
    }),
    alerts: section('The anomaly detector, its rules and webhook notifications (docs/alerts.md).', {
      metrics: str(
        'events_total,events_purchase,revenue,aov,add_to_cart_rate,checkout_rate,purchase_conversion',
        'Comma-separated kpi_minute metrics the EWMA rule scores.',
      ),
      ewmaAlpha: num(0.2, 'Smoothing factor of the EWMA baseline (0 < alpha <= 1).', 0.000001),
      historyWindows: int(
        30,
        'N: the z-score compares the scored residual with the previous N residuals (population std).',
        2,
      ),
      minHistoryWindows: int(
        10,
        'Fewer previous residuals than this = too short a history: nothing is raised.',
        2,
      ),
      warningZ: num(3, '|z| at or above this raises a warning.'),
      criticalZ: num(5, '|z| at or above this raises a critical alert.'),
      minClicksForRates: int(
        50,
        'add_to_cart_rate and purchase_conversion are scored only when the window has at least this many clicks.',
      ),
      minCartsForCheckoutRate: int(
        30,
        'checkout_rate is scored only when the window has at least this many add_to_cart events.',
      ),
      cooldownMs: int(
        600_000,
        'After an alert on a metric, further warnings on it are suppressed this long; a critical is never suppressed.',
      ),
      intervalMs: int(
        10_000,
        'The detector loop evaluates every rule this often (and after processor commits in `start`).',
        100,
      ),
      minPassIntervalMs: int(
        2_000,
        'Passes triggered by processor commits start at least this far apart (KPIs are scored per minute: one pass per commit would cost CPU per commit, not per event).',
      ),
      thresholds: str(
        '',
        'Static thresholds, comma-separated `[dimension=value:]metric<op>number[:severity]` with op `<` or `>`, e.g. `revenue<1:critical,channel=web:events_total<10`.',
      ),
      noDataMinutes: int(
        5,
        'No committed event newer than this many minutes (by the detector clock) raises a critical no_data alert (0 = off).',
      ),
      maxLagSeconds: int(
        120,
        'Records waiting in the log while the last commit is older than this raises a critical lag alert (0 = off).',
      ),
      minValidPct: num(
        99,
        'Valid share (silver / (silver + quarantine)) below this over dqWindowMinutes raises a warning.',
      ),
      dqWindowMinutes: int(5, 'Event-time span of the data-quality rule, in minutes.', 1),
      stuckAfterMs: int(
        60_000,
        'Positions not advancing this long while lag > 0 raises a critical stuck-processor alert.',
        1,
      ),
      maxEpochBumps: int(
        3,
        'More epoch bumps (re-claims) of a partition than this within epochWindowMs = crash-looping processor (critical).',
        1,
      ),
      epochWindowMs: int(600_000, 'Window over which epoch bumps are counted.', 1),
      webhookUrls: str('', 'Comma-separated webhook URLs receiving the generic JSON payload.'),
      slackWebhookUrls: str('', 'Comma-separated Slack incoming-webhook URLs (Slack-compatible payload).'),
      publishTopic: Type.Boolean({
        default: false,
        description:
          'Also send every alert event (raised, resolved) to the topic ecom.data_quality_alerts.v1 of the event log, through the same outbox, retries and dead-lettering as the webhooks (keyed by alert id, at-least-once: dedupe on the dedupe_key header; docs/alerts.md). The detector must be able to write the log: Kafka, or the embedded log in `start`.',
      }),
      deliveryMaxAttempts: int(20, 'Attempts per outbox row before it is marked dead.', 1),
      deliveryBackoffBaseMs: int(1_000, 'First retry delay; doubles per attempt (exponential backoff).', 1),
      deliveryBackoffMaxMs: int(300_000, 'Longest retry delay.', 1),
      deliveryTimeoutMs: int(5_000, 'Deadline of one webhook POST.', 1),
    }),
    reconcile: section(
      'Streaming-vs-batch reconciliation (`shopstream reconcile`, the reconcile.kpis asset, docs/reconciliation.md).',
      {
        intervalMs: int(
          600_000,
          'The scheduler checks the minutes settled since its last run every this many ms (0 = on demand only: `shopstream reconcile`, `jobs run reconcile.kpis`).',
        ),
      },
    ),
    dq: section('The data-quality suite (`shopstream dq run`, docs/data-quality.md).', {
      intervalMs: int(
        900_000,
        'Scheduled runs in `start` and `run --role all` every this many ms, the first one interval after start (0 = on demand only).',
      ),
      lookbackHours: int(
        24,
        'Completeness, uniqueness, validity and consistency look at Silver events of this many hours before the newest one.',
        1,
      ),
      maxNullPct: num(0, 'Largest accepted null rate of a required Silver field, in percent.'),
      maxQuarantinePct: num(1, 'Largest accepted quarantine share of all judged events, in percent.'),
      freshnessMaxMinutes: int(
        10,
        'The newest Silver event may be at most this old (by the run clock); 0 = freshness not checked.',
      ),
      volumeMaxChangePct: num(
        50,
        'Events of the newest complete hour may differ at most this much from the same hour one day and one week before (skipped when that hour has no data).',
      ),
    }),
    marts: section('The batch layer: marts and the dimensional model (`shopstream marts`, docs/marts.md).', {
      sessionTimeoutMinutes: int(
        30,
        'A session ends after this many minutes without an event; the next event of its session_id starts a new one.',
        1,
      ),
      topProducts: int(5, 'Products listed in each daily_aggregations row (top_products).', 1),
      publishBatchRows: int(
        10_000,
        'Rows per INSERT ... unnest statement when a partition is published.',
        100,
      ),
      publishTopic: Type.Boolean({
        default: false,
        description:
          'Also send each changed day of daily_aggregations to the topic ecom.daily_aggregations.v1 of the event log (keyed by date|category|event_type, at-least-once; docs/deploy.md). With the embedded log only the process that owns the log (start) can: a separate `marts build` then fails on its lock.',
      }),
    }),
    scheduler: section(
      'The asset orchestrator (`run --role scheduler`, inside `start`; `shopstream jobs`, docs/orchestration.md).',
      {
        leaseMs: int(
          30_000,
          'The active scheduler and every running attempt hold a lease of this long (database clock), renewed every heartbeatMs; a standby takes over, and a crashed attempt is retried, once it has passed.',
          500,
        ),
        heartbeatMs: int(5_000, 'How often leases are renewed (keep well below leaseMs).', 100),
        tickMs: int(
          1_000,
          'How often the scheduler evaluates schedules and sensors and starts due work.',
          50,
        ),
        concurrency: int(2, 'Attempts one scheduler (or one `jobs run|backfill`) runs at once.', 1),
        lakePoolSize: int(
          1,
          'Of those, attempts that each open a DuckDB instance of their own over the lake (marts, data quality, reconciliation, compaction) run at most this many at once, so their memory limits (lake.batchMemoryLimitMb, lake.maintenanceMemoryLimitMb) do not add up; the others (customer analytics) are not held back by them.',
          1,
        ),
        silverObserveIntervalMs: int(
          600_000,
          'How often the Silver day fingerprints are read to find stale mart days (the "upstream changed" sensor of the marts), the first time one interval after start; 0 = never.',
        ),
        openDayRefreshMs: int(
          3_600_000,
          'The open day (today, UTC) is re-marked stale for the marts at most this often: its build re-reads the whole day so far, so every Silver observation would rebuild it with a cost that grows through the day. Other days (late events, the day just closed) at every observation that sees them change; 0 = the open day too.',
        ),
        martsMaxAttempts: int(
          5,
          'Attempts per mart day before it fails for good (a crashed attempt counts).',
          1,
        ),
        retryBackoffBaseMs: int(
          10_000,
          'First retry delay of the built-in assets; doubles per attempt, with +-25% jitter.',
          1,
        ),
      },
    ),
    customers: section(
      'Customer analytics: RFM, cohorts, CLV (`shopstream customers`, docs/customer-analytics.md).',
      {
        segmentRules: str(
          DEFAULT_SEGMENT_RULES,
          'RFM segments: `;`-separated `Name=R<lo>[-<hi>]/FM<lo>[-<hi>]` rules on the R score and FM = ceil((F + M) / 2), first match wins; must cover all 25 cells.',
        ),
        clvHorizonMonths: int(12, 'Horizon of the predicted CLV, in months of 30 days.', 1),
        clvMonthlyDiscountRate: num(0.01, 'Monthly discount rate of the predicted CLV (0.01 = 1 % a month).'),
        purchasesHorizonDays: int(90, 'Horizon of the reported expected purchases per customer, in days.', 1),
        publishBatchRows: int(10_000, 'Rows per INSERT ... unnest statement when results are written.', 100),
      },
    ),
    import: section(
      'Historical import of customers, products and orders (`shopstream import customers|products|orders`, docs/import.md).',
      {
        maxFileBytes: int(20 * 1024 ** 3, 'Largest source file accepted, in bytes.', 1),
        maxValueChars: int(
          1024,
          'Longest text value of an imported field, in characters (else the row is quarantined as value_too_long).',
          1,
        ),
        batchRows: int(10_000, 'Rows per upsert statement into the serving DB.', 100),
        sourceFetchRows: int(10_000, 'PostgreSQL sources: rows fetched per cursor round trip.', 100),
      },
    ),
    lake: section(
      'The Bronze/Silver/quarantine lake: Delta Lake tables of Parquet files written through DuckDB.',
      {
        dir: str(
          '',
          "Folder of the lake; empty = `<dataDir>/lake`. With an S3 lake.url: the local staging folder of new files and the read cache of the tables' immutable data files.",
        ),
        url: str(
          '',
          'Where the lake tables live: empty (or `file:`) = the folder lake.dir; `s3://bucket/prefix` = an S3-compatible bucket (credentials from the AWS SDK chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, instance role; never in the config).',
        ),
        s3Endpoint: str(
          '',
          'S3 endpoint of a non-AWS service (MinIO, R2, moto), e.g. `http://127.0.0.1:9000`; empty = AWS.',
        ),
        s3Region: str('us-east-1', 'S3 region of the lake bucket.'),
        s3ForcePathStyle: Type.Boolean({
          default: false,
          description: 'Path-style S3 URLs (`endpoint/bucket/key`), which most S3-compatible servers need.',
        }),
        compression: Type.Union(
          [Type.Literal('zstd'), Type.Literal('snappy'), Type.Literal('uncompressed')],
          {
            default: 'zstd',
            description: 'Parquet compression codec of lake files.',
          },
        ),
        rowGroupRows: int(122_880, 'Rows per Parquet row group.', 2048),
        fsync: Type.Boolean({
          default: true,
          description: 'fsync each lake file (and its folder) before it is renamed into place.',
        }),
        flushMaxBytes: int(
          8 * 1024 * 1024,
          'The processor buffers the lake rows of committed batches and writes them as files once this many bytes of log records are buffered (all partitions together), or flushMaxAgeMs has passed. Gold stays sub-second fresh either way; unflushed rows are re-derived from the log after a crash.',
          1,
        ),
        flushMaxAgeMs: int(
          60_000,
          'Longest time (processing time) a committed record waits in the buffer before its lake rows are written. Lake-backed routes (unique users, quarantine series) lag Gold by up to this much.',
          1,
        ),
        compactIntervalMs: int(
          60_000,
          'How often `start` (and `run --role all`) compacts small lake files (`shopstream lake compact`); 0 = never.',
        ),
        compactMinFiles: int(
          4,
          'Compact a hive folder of one partition once it holds at least this many small files (older hours: at least 2).',
          2,
        ),
        compactTargetBytes: int(
          128 * 1024 * 1024,
          'Files at least this large are left alone by compaction; smaller ones are merged up to about this size.',
          1024,
        ),
        vacuumRetainHours: int(
          168,
          'Files no longer in the latest version of a Delta table (replaced by optimize, rolled back, or never committed) are deleted by `lake vacuum` (and after each scheduled compaction) once they are this old; time travel to older versions needs them. At least 1 (a flush in flight writes files before it commits them); vacuum also refuses less than the oldest pinned reader needs. Delta checkpoints drop `remove` tombstones older than this.',
          1,
        ),
        logRetentionHours: int(
          720,
          "Delta's logRetentionDuration: `lake vacuum` (and each scheduled compaction) deletes a table's commit and checkpoint files before its newest checkpoint older than this (and not past a pinned reader's version), so the log does not grow without end; time travel reaches back to that checkpoint. At least vacuumRetainHours in practice: older versions' data files are gone after a vacuum anyway.",
          1,
        ),
        checkpointInterval: int(
          10,
          'Each lake table writes a Delta checkpoint (Parquet) every this many commits, so opening it replays at most that many JSON commits.',
          1,
        ),
        compactRowGroupRows: int(
          32_768,
          'Rows per Parquet row group of the files compaction writes (smaller than rowGroupRows: a merge holds one row group of wide Bronze rows in memory at a time).',
          2048,
        ),
        maintenanceMemoryLimitMb: int(
          256,
          'DuckDB memory limit of the single-threaded DuckDB instance compaction runs on (its own, closed after each pass).',
          64,
        ),
        writerMemoryLimitMb: int(
          512,
          "DuckDB memory limit of the processor's lake writer (its flushes).",
          64,
        ),
        batchMemoryLimitMb: int(
          256,
          'DuckDB memory limit of the batch jobs the scheduler runs (marts, data quality): each attempt gets a DuckDB instance of its own, closed afterwards, that spills to <dataDir>/tmp/duckdb beyond this; the writer and the API readers never share it.',
          64,
        ),
        batchThreads: int(
          1,
          'DuckDB worker threads of each batch attempt of the scheduler (leaves the other core to the pipeline).',
          1,
        ),
        queryMemoryLimitMb: int(
          512,
          'DuckDB memory limit of the API and CLI lake readers (a separate DuckDB instance from the processor): a query over it fails with SHOP_LAKE_QUERY_FAILED instead of growing the process.',
          16,
        ),
        queryThreads: int(
          1,
          'DuckDB worker threads of the API lake reader (leaves the other core to the pipeline).',
          1,
        ),
        queryTimeoutMs: int(
          10_000,
          'A lake query of the API running longer is interrupted and fails with SHOP_LAKE_QUERY_TIMEOUT (0 = no limit).',
        ),
      },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
