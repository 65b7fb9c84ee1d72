import type { SqlExecutor } from '../../store/serving-store.js';
import { ALL_MODELS } from './model-registry.js';

/** One model as `shopstream marts list` shows it. */
export interface MartListing {
  readonly model: string;
  readonly kind: 'day' | 'warehouse';
  readonly published: boolean;
  readonly partitions: number;
  readonly rows: number;
  /** The newest day partition (null for whole tables or before the first build). */
  readonly newestPartition: string | null;
  /** When a partition of the model was last written (ISO), null before the first build. */
  readonly lastBuiltAt: string | null;
}

/** Every model with its partitions, rows and freshness, from mart.partitions. */
export async function listMarts(db: SqlExecutor): Promise<MartListing[]> {
  const rows = await db.query<{
    model: string;
    partitions: number;
    rows: number;
    newest: string | null;
    built: Date | null;
  }>(
    `SELECT model, count(*)::int8 AS partitions, sum(row_count)::int8 AS rows,
       max(partition_key) FILTER (WHERE partition_key <> '*') AS newest, max(built_at) AS built
     FROM mart.partitions GROUP BY model`,
  );
  const byModel = new Map(rows.map((r) => [r.model, r]));
  return ALL_MODELS.map((m) => {
    const r = byModel.get(m.name);
    return {
      model: m.name,
      kind: m.kind,
      published: m.published,
      partitions: Number(r?.partitions ?? 0),
      rows: Number(r?.rows ?? 0),
      newestPartition: r?.newest ?? null,
      lastBuiltAt: r?.built ? new Date(r.built).toISOString() : null,
    };
  });
}
