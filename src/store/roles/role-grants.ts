/**
 * The least-privilege database roles of a PostgreSQL deployment (docs/deploy.md). They are group
 * roles (NOLOGIN) with fixed names; an operator creates them once (`shopstream db roles`) and gives
 * each process a login role that is a member of one of them:
 *
 * | role                   | used by                              | may                                          |
 * |------------------------|--------------------------------------|----------------------------------------------|
 * | shopstream_migrator    | `shopstream db migrate` (a Job)      | CREATE on the database: owns the schema      |
 * | shopstream_processor   | `run --role processor`               | read all; write Gold, positions, accounting, membership |
 * | shopstream_api         | `run --role api`                     | read all; write only the audit log, API keys, alert acknowledgement |
 * | shopstream_worker      | detector, scheduler, batch jobs      | read all; write alerts, outbox, data quality, marts, audit log, orchestration |
 *
 * Every serving table must be listed in WRITES (a unit test checks it), so a new migration decides
 * who may write its tables. Reads: every role may SELECT every table of the SCHEMAS.
 */
export const ROLES = [
  'shopstream_migrator',
  'shopstream_processor',
  'shopstream_api',
  'shopstream_worker',
] as const;
export type DbRole = (typeof ROLES)[number];

/** Schemas whose tables the non-migrator roles may read. */
export const SCHEMAS = ['serving', 'mart'] as const;

type Privilege = 'INSERT' | 'UPDATE' | 'DELETE';

interface TableWrite {
  readonly privileges: readonly Privilege[];
  /** Column-level UPDATE only on these columns. */
  readonly updateColumns?: readonly string[];
}

const ALL: TableWrite = { privileges: ['INSERT', 'UPDATE', 'DELETE'] };

/** Per serving table (schema-qualified), which role may write it and how; others only read. */
export const WRITES: Readonly<Record<string, Partial<Record<DbRole, TableWrite>>>> = {
  'serving.schema_migrations': {},
  'serving.kpi_minute': { shopstream_processor: ALL },
  'serving.kpi_counts': { shopstream_processor: ALL },
  'serving.kpi_dim_counts': { shopstream_processor: ALL },
  'serving.kpi_window': { shopstream_processor: ALL },
  // The scheduler's gold.retention asset deletes old rows.
  'serving.kpi_window_commits': { shopstream_processor: ALL, shopstream_worker: { privileges: ['DELETE'] } },
  'serving.processor_positions': { shopstream_processor: ALL },
  'serving.partition_accounting': { shopstream_processor: ALL },
  'serving.quarantine_reasons': { shopstream_processor: ALL },
  'serving.recent_orders': { shopstream_processor: ALL },
  'serving.product_minute': { shopstream_processor: ALL },
  'serving.product_10m': { shopstream_processor: ALL },
  'serving.processor_members': { shopstream_processor: ALL },
  'serving.alerts': {
    shopstream_worker: ALL,
    shopstream_api: {
      privileges: ['UPDATE'],
      updateColumns: ['status', 'acknowledged_at', 'acknowledged_by', 'updated_at'],
    },
  },
  'serving.alert_outbox': { shopstream_worker: ALL },
  'serving.alert_deliveries': { shopstream_worker: ALL },
  'serving.data_quality_runs': { shopstream_worker: ALL },
  'serving.data_quality_logs': { shopstream_worker: ALL },
  // Append-only: INSERT, never UPDATE or DELETE (a trigger refuses those for every role).
  'serving.audit_log': {
    shopstream_api: { privileges: ['INSERT'] },
    shopstream_worker: { privileges: ['INSERT'] },
  },
  'serving.api_keys': { shopstream_api: { privileges: ['INSERT', 'UPDATE'] } },
  // Orchestration (0008): the scheduler and `shopstream jobs` run as workers; the API's admin
  // trigger only queues a request.
  'serving.pipeline_execution_logs': { shopstream_worker: ALL },
  'serving.pipeline_queue': { shopstream_worker: ALL, shopstream_api: { privileges: ['INSERT', 'UPDATE'] } },
  'serving.pipeline_scheduler_lease': { shopstream_worker: ALL },
  'serving.pipeline_schedule_state': { shopstream_worker: ALL },
  'serving.pipeline_backfills': { shopstream_worker: ALL },
  // Reconciliation (0009): written by the scheduler's reconcile.kpis and `shopstream reconcile`.
  'serving.reconciliation_runs': { shopstream_worker: ALL },
};

/** Roles that may write every table of the `mart` schema (batch outputs). */
export const MART_WRITERS: readonly DbRole[] = ['shopstream_worker'];
