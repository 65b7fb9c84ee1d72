import type { SqlExecutor } from '../../store/serving-store.js';

/** What `mart.partitions` says was last published for one (model, partition). */
export interface PartitionState {
  readonly sourceFingerprint: string;
  readonly outputFingerprint: string;
  readonly rows: number;
  readonly builtAt: Date;
  readonly buildId: string;
}

export type ModelState = Map<string, PartitionState>;

/** Every model's published partitions. */
export async function readPartitionState(db: SqlExecutor): Promise<Map<string, ModelState>> {
  const rows = await db.query<{
    model: string;
    partition_key: string;
    source_fingerprint: string;
    output_fingerprint: string;
    row_count: number;
    built_at: Date;
    build_id: string;
  }>('SELECT * FROM mart.partitions');
  const out = new Map<string, ModelState>();
  for (const r of rows) {
    let model = out.get(r.model);
    if (model === undefined) out.set(r.model, (model = new Map()));
    model.set(r.partition_key, {
      sourceFingerprint: r.source_fingerprint,
      outputFingerprint: r.output_fingerprint,
      rows: Number(r.row_count),
      builtAt: r.built_at,
      buildId: r.build_id,
    });
  }
  return out;
}

export interface PartitionRecord {
  readonly model: string;
  readonly partition: string;
  readonly sourceFingerprint: string;
  readonly outputFingerprint: string;
  readonly rows: number;
  readonly buildId: string;
}

/**
 * Records a published partition. A day model's empty day is kept (built, no rows: not stale); a
 * warehouse partition that has no rows any more is forgotten (`forget`).
 */
export async function recordPartition(db: SqlExecutor, r: PartitionRecord, forget = false): Promise<void> {
  if (forget) {
    await db.query('DELETE FROM mart.partitions WHERE model = $1 AND partition_key = $2', [
      r.model,
      r.partition,
    ]);
    return;
  }
  await db.query(
    `INSERT INTO mart.partitions (model, partition_key, source_fingerprint, output_fingerprint, row_count, built_at, build_id)
     VALUES ($1, $2, $3, $4, $5, now(), $6)
     ON CONFLICT (model, partition_key) DO UPDATE SET source_fingerprint = excluded.source_fingerprint,
       output_fingerprint = excluded.output_fingerprint, row_count = excluded.row_count,
       built_at = excluded.built_at, build_id = excluded.build_id`,
    [r.model, r.partition, r.sourceFingerprint, r.outputFingerprint, r.rows, r.buildId],
  );
}
