import type { SqlExecutor } from '../store/serving-store.js';

/** The last tick handled per asset (serving.pipeline_schedule_state), epoch ms. */
export async function readScheduleState(db: SqlExecutor): Promise<Map<string, number>> {
  const rows = await db.query<{ asset: string; last_tick_at: Date }>(
    'SELECT asset, last_tick_at FROM serving.pipeline_schedule_state',
  );
  return new Map(rows.map((r) => [r.asset, new Date(r.last_tick_at).getTime()]));
}

export async function writeScheduleState(db: SqlExecutor, asset: string, lastTickMs: number): Promise<void> {
  await db.query(
    `INSERT INTO serving.pipeline_schedule_state (asset, last_tick_at) VALUES ($1, $2::timestamptz)
     ON CONFLICT (asset) DO UPDATE SET last_tick_at = excluded.last_tick_at`,
    [asset, new Date(lastTickMs).toISOString()],
  );
}
