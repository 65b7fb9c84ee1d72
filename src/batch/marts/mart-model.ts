/**
 * What a mart model is. Two kinds (docs/marts.md):
 * - `day` models are computed from the Silver events of one event_date (sessions also read the
 *   neighbouring days); a build recomputes exactly the days whose Silver changed.
 * - `warehouse` models are computed together from the day staging models and the imported history;
 *   they are recomputed whenever an input changed and published per partition whose rows changed.
 * A model is published to `mart.<name>` in the serving DB (unless `published` is false: staging,
 * lake only) and copied to `<lake>/marts/<name>/...` as Parquet.
 */
export const MODEL_NAMES = [
  'daily_aggregations',
  'product_analytics',
  'sessions',
  'stg_purchase_lines',
  'stg_refund_lines',
  'fact_order_lines',
  'dim_customers',
  'fact_orders',
  'dim_products',
  'dim_store',
  'dim_channel',
  'dim_date',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export type PgColumnType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'double precision'
  | 'numeric'
  | 'date'
  | 'timestamptz'
  | 'boolean'
  | 'jsonb';

export interface MartColumn {
  readonly name: string;
  readonly type: PgColumnType;
}

/** dbt-style tests, run in DuckDB on the computed rows before anything is published. */
export type ModelTest =
  | { readonly kind: 'unique'; readonly columns: readonly string[] }
  | { readonly kind: 'not_null'; readonly columns: readonly string[] }
  | { readonly kind: 'accepted_values'; readonly column: string; readonly values: readonly string[] }
  | {
      readonly kind: 'relationships';
      readonly column: string;
      readonly to: ModelName;
      readonly toColumn: string;
    };

/** Names of the DuckDB relations a model's SQL may read (temp tables of the build). */
export type Relations = (name: string) => string;

export interface ModelBase {
  readonly name: ModelName;
  readonly description: string;
  /** Published to the serving DB (mart.<name>); false = a lake-only staging model. */
  readonly published: boolean;
  /** The partition column (stored as the hive folder of the lake copy); null = one partition `*`. */
  readonly partitionColumn: string | null;
  /** Columns in table order; the partition column included. */
  readonly columns: readonly MartColumn[];
  readonly key: readonly string[];
  readonly upstream: readonly ModelName[];
  readonly tests: readonly ModelTest[];
  /** mart.daily_aggregations only: created_at kept across rebuilds, updated_at = publish time. */
  readonly timestamps?: boolean;
}

export interface DaySqlParams {
  /** The day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly sessionTimeoutMs: number;
  readonly topProducts: number;
}

export interface DayModel extends ModelBase {
  readonly kind: 'day';
  /**
   * Days whose Silver this model's day D reads, as offsets from D (sessions: [-1, 0, 1]); the
   * partition is stale when any of them changed.
   */
  readonly readsDays: readonly number[];
  /** SELECT of the day's rows from `r('ev')` (the day's Silver events); `$n` bind `params`. */
  sql(r: Relations): string;
  params(p: DaySqlParams): (string | number)[];
}

export interface WarehouseModel extends ModelBase {
  readonly kind: 'warehouse';
  /** SELECT of every row from other relations (inputs and earlier warehouse models); no parameters. */
  sql(r: Relations): string;
}

export type MartModel = DayModel | WarehouseModel;

/** The value a partition is stored under: the partition column's value, or `*`. */
export const WHOLE_TABLE = '*';

export const col = (name: string, type: PgColumnType): MartColumn => ({ name, type });
